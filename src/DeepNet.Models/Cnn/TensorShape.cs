namespace DeepNet.Models.Cnn;

/// <summary>The shape of one sample between layers: Channels × Height × Width (NCHW without the batch).</summary>
public readonly record struct TensorShape(int Channels, int Height, int Width)
{
    /// <summary>Values per sample: Channels·Height·Width.</summary>
    public int Size => Channels * Height * Width;

    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
