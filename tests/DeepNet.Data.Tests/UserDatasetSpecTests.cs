using DeepNet.Numerics;

namespace DeepNet.Data.Tests;

public class UserDatasetSpecTests
{
    private static readonly Guid _id = Guid.Parse("0b5e58a4-52f7-4f7c-9d7c-5a8a2d1f3e10");

    [Fact]
    public void ValidatorAcceptsAUserDataSetWithAnId()
    {
        Assert.Empty(DataSpecValidator.Validate(new DataSpec { Dataset = "user", DatasetId = _id, Limit = 100_000, ImageSize = 8 }));
    }

    [Fact]
    public void ValidatorRequiresAnIdForAUserDataSet()
    {
        var errors = DataSpecValidator.Validate(new DataSpec { Dataset = "user" });

        Assert.Contains("required", Assert.Single(errors["data.datasetId"]));
    }

    [Fact]
    public void ValidatorRejectsAnIdWithMnist()
    {
        var errors = DataSpecValidator.Validate(new DataSpec { Dataset = "mnist", DatasetId = _id });

        Assert.Contains("must be omitted", Assert.Single(errors["data.datasetId"]));
    }

    [Fact]
    public void ValidatorStillRejectsUnknownDataSets()
    {
        var errors = DataSpecValidator.Validate(new DataSpec { Dataset = "cifar" });

        Assert.Contains("unknown dataset \"cifar\"", Assert.Single(errors["data.dataset"]));
    }

    [Fact]
    public void DatasetLoaderRefusesUserSpecsAndSelectFiltersAnUploadedDataSet()
    {
        var spec = new DataSpec { Dataset = "user", DatasetId = _id, Classes = [1, 3], Limit = 2, BinarizeThreshold = 0.5f };
        Assert.Throws<ArgumentException>(() => DatasetLoader.Load(spec));
        var source = new Dataset(new Matrix(4, 2, [0.1f, 0.9f, 0.2f, 0.8f, 0.3f, 0.7f, 0.6f, 0.4f]), [1, 2, 3, 1]);

        Dataset selected = DatasetLoader.Select(source, spec);

        Assert.Equal([1, 3], selected.Labels);
        Assert.Equal([0f, 1f, 0f, 1f], selected.Features.Data);
    }

    [Fact]
    public void SelectRejectsClassesOnAnUnlabelledDataSet()
    {
        var source = new Dataset(new Matrix(2, 2), null);

        Assert.Throws<ArgumentException>(() => DatasetLoader.Select(source, new DataSpec { Dataset = "user", DatasetId = _id, Classes = [1] }));
    }

    [Fact]
    public void DatasetAllowsMissingLabelsAndNonImageRows()
    {
        var data = new Dataset(new Matrix(3, 5), null);

        Assert.Equal((3, 5, 0, 0, false), (data.Count, data.FeatureCount, data.Width, data.Height, data.IsImages));
        Assert.False(data.HasLabels);
        Assert.Throws<ArgumentException>(() => new Dataset(new Matrix(3, 6), null, 3, 0));
        Assert.Throws<ArgumentException>(() => new Dataset(new Matrix(3, 6), null, 4, 2));
        Assert.Throws<ArgumentException>(() => new Dataset(new Matrix(3, 6), [1, 2], 3, 2));
    }
}
