namespace DeepNet.Models;

/// <summary>An AIS estimate of log Z (natural log).</summary>
/// <param name="LogZ">log Z_B = log Z_A + log mean(w), w the importance weights.</param>
/// <param name="LogZLow">log(mean(w) − 3·std(w)/√Runs) + log Z_A; −∞ when that difference is not positive.</param>
/// <param name="LogZHigh">log(mean(w) + 3·std(w)/√Runs) + log Z_A.</param>
/// <param name="LogZBase">log Z_A of the base-rate model (zero weights, the given visible biases, zero hidden biases, H hidden units).</param>
/// <param name="Runs">Number of importance weights.</param>
/// <param name="Intermediate">Number of transitions (temperatures − 1).</param>
/// <param name="Seconds">Wall time of the estimate.</param>
public sealed record AisResult(double LogZ, double LogZLow, double LogZHigh, double LogZBase, int Runs, int Intermediate, double Seconds);
