using DeepNet.Numerics;

namespace DeepNet.Data.Tests;

public class SlidingWindowTests
{
    [Theory]
    [InlineData(10, 4, 2, new[] { 0, 2, 4, 6 })]
    [InlineData(11, 4, 2, new[] { 0, 2, 4, 6, 7 })]
    [InlineData(4, 4, 3, new[] { 0 })]
    [InlineData(9, 3, 100, new[] { 0, 6 })]
    public void PositionsStepByStrideAndEndFlushWithTheEdge(int length, int size, int stride, int[] expected)
    {
        Assert.Equal(expected, SlidingWindow.Positions(length, size, stride));
    }

    [Theory]
    [InlineData(10, 2, 1024)]
    [InlineData(10, 3, 7)]
    [InlineData(7, 1, 50)]
    public void ReconstructWithTheIdentityGivesBackTheCatExactly(int size, int stride, int batchSize)
    {
        GrayImage cat = BuiltInImages.Load("chelsea");
        int calls = 0;

        GrayImage back = SlidingWindow.Reconstruct(cat, size, stride, (input, output) =>
        {
            calls++;
            input.AsSpan().CopyTo(output.AsSpan());
        }, batchSize);

        Assert.Equal(cat.Pixels, back.Pixels);
        Assert.True(calls > 1);
    }

    [Fact]
    public void ReconstructWithAConstantFunctionGivesAConstantImage()
    {
        GrayImage cat = BuiltInImages.Load("coffee").Resize(61, 43);

        GrayImage back = SlidingWindow.Reconstruct(cat, 10, 3, (_, output) => output.AsSpan().Fill(0.375f));

        Assert.All(back.Pixels, v => Assert.Equal(0.375f, v));
    }

    [Fact]
    public void ReconstructAveragesOverlappingWindowOutputs()
    {
        // Each window outputs its own top-left x + 100·y everywhere; every pixel must be the mean over the windows covering it.
        const int width = 13, height = 9, size = 4, stride = 3;
        var image = new GrayImage(width, height, new float[width * height]);
        int[] xs = SlidingWindow.Positions(width, size, stride);
        int[] ys = SlidingWindow.Positions(height, size, stride);
        var windows = new List<(int X, int Y)>();
        foreach (int y in ys)
        {
            foreach (int x in xs)
            {
                windows.Add((x, y));
            }
        }

        int next = 0;
        GrayImage result = SlidingWindow.Reconstruct(image, size, stride, (input, output) =>
        {
            for (int r = 0; r < input.Rows; r++)
            {
                (int x, int y) = windows[next++];
                output.Row(r).Fill(x + 100 * y);
            }
        }, batchSize: 5);

        Assert.Equal(windows.Count, next);
        for (int py = 0; py < height; py++)
        {
            for (int px = 0; px < width; px++)
            {
                double[] covering = windows.Where(w => px >= w.X && px < w.X + size && py >= w.Y && py < w.Y + size)
                    .Select(w => (double)(w.X + 100 * w.Y)).ToArray();
                Assert.NotEmpty(covering);
                Assert.Equal((float)covering.Average(), result[px, py], 3);
            }
        }
    }

    [Fact]
    public void ReconstructPassesBatchesOfWindowsInRowMajorOrder()
    {
        var image = new GrayImage(5, 5, Enumerable.Range(0, 25).Select(i => (float)i).ToArray());
        var firstPixels = new List<float>();

        SlidingWindow.Reconstruct(image, 2, 2, (input, output) =>
        {
            Assert.Equal(4, input.Cols);
            Assert.Equal((input.Rows, input.Cols), (output.Rows, output.Cols));
            for (int r = 0; r < input.Rows; r++)
            {
                firstPixels.Add(input[r, 0]);
            }
        }, batchSize: 4);

        // x positions 0, 2, 3 and y positions 0, 2, 3.
        Assert.Equal([0f, 2, 3, 10, 12, 13, 15, 17, 18], firstPixels);
    }

    [Fact]
    public void ReconstructRejectsWindowsLargerThanTheImage()
    {
        var image = new GrayImage(5, 4, new float[20]);

        Assert.Throws<ArgumentOutOfRangeException>(() => SlidingWindow.Reconstruct(image, 5, 1, (_, _) => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SlidingWindow.Reconstruct(image, 2, 0, (_, _) => { }));
    }
}
