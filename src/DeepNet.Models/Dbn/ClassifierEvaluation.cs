namespace DeepNet.Models.Dbn;

/// <summary>A classifier's performance on a labelled data set.</summary>
/// <param name="Loss">Mean cross-entropy −log p(label) over the samples.</param>
/// <param name="ErrorPercent">Misclassified samples in percent (0–100).</param>
/// <param name="Confusion">classes×classes counts: [true class, predicted class].</param>
/// <param name="Predicted">Predicted class per sample (index of the highest output probability).</param>
public sealed record ClassifierEvaluation(double Loss, double ErrorPercent, int[,] Confusion, int[] Predicted)
{
    /// <summary>Number of misclassified samples.</summary>
    public int Errors => Predicted.Length - Enumerable.Range(0, Confusion.GetLength(0)).Sum(c => Confusion[c, c]);
}
