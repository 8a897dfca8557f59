namespace DeepNet.Data.Tests;

public class DataSpecValidatorTests
{
    [Fact]
    public void DefaultSpecIsValid()
    {
        Assert.Empty(DataSpecValidator.Validate(new DataSpec()));
    }

    [Fact]
    public void HomeworkSpecIsValid()
    {
        var spec = new DataSpec { Classes = [1, 2, 3, 4, 5], Limit = 10000, ImageSize = 16, BinarizeThreshold = 0.5f, Split = "test" };

        Assert.Empty(DataSpecValidator.Validate(spec));
    }

    public static TheoryData<DataSpec, string, string> InvalidSpecs() => new()
    {
        { new DataSpec { Classes = [10] }, "data.classes", "between 0 and 9" },
        { new DataSpec { Classes = [-1, 3] }, "data.classes", "between 0 and 9" },
        { new DataSpec { Classes = [1, 2, 2] }, "data.classes", "distinct" },
        { new DataSpec { Classes = [] }, "data.classes", "at least one" },
        { new DataSpec { Limit = 0 }, "data.limit", "must be between 1 and 60000" },
        { new DataSpec { Limit = 60001 }, "data.limit", "must be between 1 and 60000" },
        { new DataSpec { ImageSize = 20 }, "data.imageSize", "28" },
        { new DataSpec { Split = "foo" }, "data.split", "\"foo\"" },
        { new DataSpec { Split = null! }, "data.split", "required" },
        { new DataSpec { BinarizeThreshold = 1.5f }, "data.binarizeThreshold", "between 0 and 1" },
        { new DataSpec { BinarizeThreshold = -0.1f }, "data.binarizeThreshold", "between 0 and 1" },
        { new DataSpec { BinarizeThreshold = float.NaN }, "data.binarizeThreshold", "between 0 and 1" },
        { new DataSpec { Dataset = "cifar" }, "data.dataset", "\"cifar\"" },
        { new DataSpec { Dataset = null! }, "data.dataset", "required" },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void EachBadFieldIsReportedUnderItsOwnKey(DataSpec spec, string key, string fragment)
    {
        IReadOnlyDictionary<string, string[]> errors = DataSpecValidator.Validate(spec);

        Assert.Equal([key], errors.Keys);
        Assert.Contains(errors[key], m => m.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void BoundaryValuesAreValid()
    {
        Assert.Empty(DataSpecValidator.Validate(new DataSpec { Limit = 1, BinarizeThreshold = 0f, Classes = [0] }));
        Assert.Empty(DataSpecValidator.Validate(new DataSpec { Limit = 60000, BinarizeThreshold = 1f, Classes = [9, 0, 1, 2, 3, 4, 5, 6, 7, 8] }));
    }

    [Fact]
    public void SeveralBadFieldsAreAllReported()
    {
        var spec = new DataSpec { Dataset = "cifar", Split = "foo", Classes = [10, 10], Limit = 0, ImageSize = 20, BinarizeThreshold = 1.5f };

        IReadOnlyDictionary<string, string[]> errors = DataSpecValidator.Validate(spec);

        Assert.Equal(
            ["data.binarizeThreshold", "data.classes", "data.dataset", "data.imageSize", "data.limit", "data.split"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, errors["data.classes"].Length);
    }

    [Fact]
    public void PrefixIsUsedForKeys()
    {
        IReadOnlyDictionary<string, string[]> errors = DataSpecValidator.Validate(new DataSpec { Limit = 0 }, "reconstruct");

        Assert.Equal(["reconstruct.limit"], errors.Keys);
    }
}
