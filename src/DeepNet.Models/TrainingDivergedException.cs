namespace DeepNet.Models;

/// <summary>Thrown when training has made the parameters or the error non-finite.</summary>
public sealed class TrainingDivergedException(string message) : InvalidOperationException(message);
