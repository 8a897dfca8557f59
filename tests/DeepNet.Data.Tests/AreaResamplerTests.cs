namespace DeepNet.Data.Tests;

public class AreaResamplerTests
{
    [Fact]
    public void TwoByTwoBlocksAverageToOnePixel()
    {
        var resampler = new AreaResampler(4, 2, 2, 1);
        byte[] source = [0, 255, 100, 100, 255, 0, 50, 150];
        var target = new float[2];

        resampler.Resample(source, target);

        Assert.Equal(0.5f, target[0], 1e-6f);
        Assert.Equal(400f / 4 / 255f, target[1], 1e-6f);
    }

    [Fact]
    public void FractionalCoverageWeighsSourcePixelsByOverlap()
    {
        // 3 → 2: output 0 covers source [0, 1.5), output 1 covers [1.5, 3).
        var resampler = new AreaResampler(3, 1, 2, 1);
        byte[] source = [255, 0, 51];
        var target = new float[2];

        resampler.Resample(source, target);

        Assert.Equal(255f / 1.5f / 255f, target[0], 1e-6f);
        Assert.Equal(51f / 1.5f / 255f, target[1], 1e-6f);
    }

    [Fact]
    public void ConstantImageStaysConstantAtTwentyEightToSixteen()
    {
        var resampler = new AreaResampler(28, 28, 16, 16);
        byte[] source = Enumerable.Repeat((byte)255, 28 * 28).ToArray();
        var target = new float[16 * 16];

        resampler.Resample(source, target);

        Assert.All(target, v => Assert.Equal(1f, v, 1e-6f));
    }

    [Fact]
    public void ResampleRejectsWrongLengths()
    {
        var resampler = new AreaResampler(28, 28, 16, 16);

        Assert.Throws<ArgumentException>(() => resampler.Resample(new byte[27 * 28], new float[256]));
        Assert.Throws<ArgumentException>(() => resampler.Resample(new byte[28 * 28], new float[255]));
    }
}
