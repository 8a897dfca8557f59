namespace DeepNet.Data.Tests;

public class DatasetLoaderTests
{
    [Fact]
    public void EmbeddedMnistHasSixtyThousandTrainingAndTenThousandTestImages()
    {
        Assert.Equal(60000, Mnist.Train.Count);
        Assert.Equal(60000 * 28 * 28, Mnist.Train.Pixels.Length);
        Assert.Equal(10000, Mnist.Test.Count);
        Assert.Equal(10000 * 28 * 28, Mnist.Test.Pixels.Length);
    }

    [Fact]
    public void DecodedMnistIsCachedAndSharedAcrossThreads()
    {
        MnistImages[] seen = new MnistImages[8];
        Parallel.For(0, seen.Length, i => seen[i] = Mnist.Test);

        Assert.All(seen, s => Assert.Same(Mnist.Test, s));
    }

    [Fact]
    public void TestSplitLoadsAllTenThousandImagesAtFullSize()
    {
        Dataset data = DatasetLoader.Load(new DataSpec { Split = "test" });

        Assert.Equal(10000, data.Count);
        Assert.Equal(10000, data.Features.Rows);
        Assert.Equal(28 * 28, data.Features.Cols);
        Assert.Equal((28, 28), (data.Width, data.Height));
        Assert.Equal(7, data.Labels[0]);
        Assert.All(data.Features.Data, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(data.Features.Data, v => v == 1f);
    }

    [Fact]
    public void TrainSplitAtSixteenPixelsHasSixtyThousandRowsOf256FeaturesInUnitRange()
    {
        Dataset data = DatasetLoader.Load(new DataSpec { ImageSize = 16 });

        Assert.Equal(60000, data.Count);
        Assert.Equal(256, data.Features.Cols);
        Assert.Equal((16, 16), (data.Width, data.Height));
        float min = data.Features.Data.Min();
        float max = data.Features.Data.Max();
        Assert.Equal(0f, min);
        Assert.InRange(max, 0.99f, 1f);
    }

    [Fact]
    public void FirstTrainingLabelsAreTheKnownMnistSequence()
    {
        Dataset data = DatasetLoader.Load(new DataSpec { Limit = 10 });

        Assert.Equal(5, data.Labels[0]);
        Assert.Equal([5, 0, 4, 1, 9, 2, 1, 3, 1, 4], data.Labels);
        Assert.Equal(10, data.Count);
    }

    [Fact]
    public void ClassFilterYieldsOnlyThoseDigits()
    {
        Dataset data = DatasetLoader.Load(new DataSpec { Classes = [1, 2, 3, 4, 5], ImageSize = 16 });

        Assert.All(data.Labels, l => Assert.InRange(l, (byte)1, (byte)5));
        Assert.Equal(Mnist.Train.Labels.Count(l => l is >= 1 and <= 5), data.Count);
        Assert.Equal([1, 2, 3, 4, 5], data.Labels.Distinct().Order().Select(l => (int)l));
    }

    [Fact]
    public void LimitTakesTheFirstMatchingImagesInFileOrder()
    {
        Dataset all = DatasetLoader.Load(new DataSpec { Limit = 9 });
        Dataset ones = DatasetLoader.Load(new DataSpec { Classes = [1], Limit = 3 });

        Assert.Equal(3, ones.Count);
        Assert.Equal([1, 1, 1], ones.Labels);
        // Training images 3, 6 and 8 are the first ones.
        Assert.Equal(all.Features.Row(3).ToArray(), ones.Features.Row(0).ToArray());
        Assert.Equal(all.Features.Row(6).ToArray(), ones.Features.Row(1).ToArray());
        Assert.Equal(all.Features.Row(8).ToArray(), ones.Features.Row(2).ToArray());
    }

    [Fact]
    public void LimitLargerThanTheSplitReturnsTheWholeSplit()
    {
        Dataset data = DatasetLoader.Load(new DataSpec { Split = "test", Limit = 60000, ImageSize = 16 });

        Assert.Equal(10000, data.Count);
    }

    [Fact]
    public void FullSizeFeaturesArePixelsDividedBy255()
    {
        Dataset data = DatasetLoader.Load(new DataSpec { Limit = 1 });

        ReadOnlySpan<byte> pixels = Mnist.Train.Image(0);
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.Equal(pixels[i] / 255f, data.Features[0, i], 1e-6f);
        }
    }

    [Fact]
    public void DownscalingPreservesTheMeanInkOfADigit()
    {
        Dataset full = DatasetLoader.Load(new DataSpec { Limit = 20 });
        Dataset small = DatasetLoader.Load(new DataSpec { Limit = 20, ImageSize = 16 });

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(full.Features.Row(i).ToArray().Average(), small.Features.Row(i).ToArray().Average(), 1e-4);
        }
    }

    [Fact]
    public void BinarizeGivesOnlyZerosAndOnesAtTheThreshold()
    {
        Dataset grey = DatasetLoader.Load(new DataSpec { Limit = 200, ImageSize = 16 });
        Dataset binary = DatasetLoader.Load(new DataSpec { Limit = 200, ImageSize = 16, BinarizeThreshold = 0.5f });

        Assert.All(binary.Features.Data, v => Assert.True(v is 0f or 1f, $"{v} is not 0 or 1"));
        Assert.Contains(binary.Features.Data, v => v == 1f);
        for (int i = 0; i < grey.Features.Length; i++)
        {
            Assert.Equal(grey.Features.Data[i] > 0.5f ? 1f : 0f, binary.Features.Data[i]);
        }
    }

    [Fact]
    public void ConcurrentLoadsReturnIdenticalData()
    {
        var spec = new DataSpec { Split = "test", Classes = [3, 8], Limit = 50, ImageSize = 16 };
        Dataset[] loaded = new Dataset[4];

        Parallel.For(0, loaded.Length, i => loaded[i] = DatasetLoader.Load(spec));

        Assert.All(loaded, d =>
        {
            Assert.Equal(loaded[0].Labels, d.Labels);
            Assert.Equal(loaded[0].Features.Data, d.Features.Data);
        });
    }

    [Fact]
    public void LoadRejectsAnInvalidSpecNamingTheField()
    {
        var ex = Assert.Throws<ArgumentException>(() => DatasetLoader.Load(new DataSpec { Classes = [10], Dataset = "cifar" }));

        Assert.Equal("spec", ex.ParamName);
        Assert.Contains("data.classes", ex.Message);
        Assert.Contains("data.dataset", ex.Message);
    }
}
