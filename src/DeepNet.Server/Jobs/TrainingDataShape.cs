using DeepNet.Data;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Jobs;

/// <summary>How many samples of how many values a validated data spec trains on, for the kinds' estimates.</summary>
/// <param name="Samples">Rows after split, classes and limit (classes counted as a tenth of the split each).</param>
/// <param name="Features">Values per row.</param>
public sealed record TrainingDataShape(long Samples, int Features)
{
    /// <summary>The shape of <paramref name="data"/>, which has been validated (an uploaded data set exists and is readable).</summary>
    public static async Task<TrainingDataShape> OfAsync(DataSpec data, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        long samples;
        int features;
        if (data.DatasetId is { } id)
        {
            var dataset = await db.UserDatasets.AsNoTracking()
                .Where(d => d.Id == id)
                .Select(d => new { d.Count, d.Features })
                .SingleOrDefaultAsync(cancellationToken);
            samples = dataset?.Count ?? 0;
            features = dataset?.Features ?? 0;
        }
        else
        {
            samples = (data.Split == "test" ? (int)DataSpecValidator.TestLimit.Max!.Value : DataSpecValidator.MaxLimit) * (data.Classes?.Length ?? 10) / 10;
            features = data.ImageSize * data.ImageSize;
        }

        return new TrainingDataShape(Math.Min(samples, data.Limit ?? long.MaxValue), features);
    }
}
