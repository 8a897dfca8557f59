using System.Numerics.Tensors;
using DeepNet.Data;
using DeepNet.Models.Cnn;
using DeepNet.Server.Contracts;

namespace DeepNet.Server.Cnn;

/// <summary>A CNN tried on an image: its class probabilities.</summary>
public sealed class TryableCnn(Network network) : ITryableModel
{
    public static TryableCnn Load(byte[] file) => new(CnnModelFile.Load(file).Network);

    public (TryResultDto? Result, TryError? Error) Try(TryModelRow row, GrayImage image)
    {
        TensorShape shape = network.InputShape;
        if (shape.Channels != 1)
        {
            return (null, new TryError("id", $"The network takes {shape} inputs, not grey images."));
        }

        float[] input = image.Resize(shape.Width, shape.Height).Pixels;
        var probabilities = new float[network.Classes];
        lock (network)
        {
            // The network computes in buffers of its own: one forward pass at a time.
            TensorPrimitives.SoftMax(network.Forward(input, 1), probabilities);
        }

        return (TryResultDto.Of(shape.Width, shape.Height, input, null, probabilities), null);
    }
}
