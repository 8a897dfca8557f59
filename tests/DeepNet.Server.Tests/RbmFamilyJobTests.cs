using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DeepNet.Server.Library;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests;

public sealed class RbmFamilyJobTests
{
    [Fact]
    public async Task EveryNewRbmOptionIsAcceptedStoredAndShownInTheJobAndTheModel()
    {
        await using var app = new TestApp();
        var submitted = await app.SubmitAsync(new
        {
            name = "all options",
            rbm = new
            {
                hiddenUnits = 12,
                k = 2,
                learningRate = 0.05,
                batchSize = 25,
                epochs = 3,
                seed = 5,
                sampleReconstruction = false,
                visibleType = "Bernoulli",
                sigma = 1.5,
                persistent = true,
                persistentChains = 30,
                initialMomentum = 0.5,
                finalMomentum = 0.9,
                momentumSwitchEpoch = 1,
                weightDecay = 0.0002,
                sparsityTarget = 0.1,
                sparsityCost = 0.05,
                sparsityDecay = 0.9,
                learningRateDecay = 0.95,
                initializeVisibleBiasFromData = false,
                initialWeightStdDev = 0.02,
            },
            data = new { classes = new[] { 1, 2 }, limit = 500, imageSize = 16, binarizeThreshold = 0.5 },
        });

        var expected = new RbmOptions
        {
            HiddenUnits = 12,
            K = 2,
            LearningRate = 0.05f,
            BatchSize = 25,
            Epochs = 3,
            Seed = 5,
            SampleReconstruction = false,
            VisibleType = VisibleUnitType.Bernoulli,
            Sigma = 1.5f,
            Persistent = true,
            PersistentChains = 30,
            InitialMomentum = 0.5f,
            FinalMomentum = 0.9f,
            MomentumSwitchEpoch = 1,
            WeightDecay = 0.0002f,
            SparsityTarget = 0.1f,
            SparsityCost = 0.05f,
            SparsityDecay = 0.9f,
            LearningRateDecay = 0.95f,
            InitializeVisibleBiasFromData = false,
            InitialWeightStdDev = 0.02f,
        };
        Assert.Equal(expected, submitted.Rbm);
        Assert.Equal("rbm", submitted.Kind);
        Assert.Null(submitted.Patches);
        Assert.Null(submitted.Evaluation);

        var job = await app.WaitForStatusAsync(submitted.Id, JobStatus.Succeeded);
        Assert.Equal(expected, job.Rbm);
        Assert.Equal([1, 2, 3], job.History.Select(m => m.Epoch));
        Assert.Empty(job.Evaluations!);

        var model = await app.CreateClient().GetFromJsonAsync<ModelDto>($"/api/models/{job.ModelId}", TestApp.Json);
        Assert.Equal(expected, model!.Rbm);
        Assert.NotNull(model.Report);
        Assert.Equal(3, model.Report.Epoch);

        var (_, metadata) = RbmModelFile.Load(await app.CreateClient().GetByteArrayAsync(model.FileUrl));
        Assert.Equal(expected, JsonSerializer.Deserialize<RbmOptions>(metadata["hyperparameters"], TestApp.Json));
        using var metrics = JsonDocument.Parse(metadata["metrics"]);
        Assert.Equal(3, metrics.RootElement.GetProperty("report").GetProperty("epoch").GetInt32());
    }

    [Fact]
    public async Task EveryEpochHasAFiniteReportStoredAndStreamedOverSignalR()
    {
        await using var app = new TestApp();
        await using var connection = TrainingHubTests.Connect(app);
        var epochs = new ConcurrentQueue<EpochCompletedMessage>();
        var snapshots = new ConcurrentQueue<SnapshotMessage>();
        connection.On<EpochCompletedMessage>("EpochCompleted", epochs.Enqueue);
        connection.On<SnapshotMessage>("Snapshot", snapshots.Enqueue);
        await connection.StartAsync();

        var submitted = await app.SubmitAsync(new
        {
            rbm = new { hiddenUnits = 16, batchSize = 20, epochs = 8, seed = 2 },
            data = new { classes = new[] { 0, 1 }, limit = 1000, imageSize = 16 },
        });
        await connection.InvokeAsync("WatchJob", submitted.Id.ToString());
        var job = await app.WaitForStatusAsync(submitted.Id, JobStatus.Succeeded);

        Assert.Equal(8, job.History.Count);
        Assert.All(job.History, m => AssertFinite(m.Report, m.Epoch, hiddenUnits: 16));
        Assert.True(job.History[^1].Report!.SquaredError < job.History[0].Report!.SquaredError);

        await JobEvents.UntilReceivedAsync(
            connection,
            () => epochs.Any(e => e.Epoch == 8),
            () => $"received epochs {string.Join(",", epochs.Select(e => e.Epoch))}");
        Assert.All(epochs, e => AssertFinite(e.Report, e.Epoch, hiddenUnits: 16));
        var snapshot = Assert.Single(snapshots);
        Assert.All(snapshot.Job.History, m => AssertFinite(m.Report, m.Epoch, hiddenUnits: 16));

        // The job list leaves the history and its (large) reports to GET /api/jobs/{id}.
        using var listed = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/api/jobs"));
        Assert.False(Assert.Single(listed.RootElement.EnumerateArray().ToList()).TryGetProperty("history", out _));
    }

    [Fact]
    public async Task HomeworkOnePresetEvaluatesAisAndEveryDigitClassAfterTraining()
    {
        await using var app = new TestApp();
        await using var connection = TrainingHubTests.Connect(app);
        var evaluations = new ConcurrentQueue<EvaluationCompletedMessage>();
        var stages = new ConcurrentQueue<string>();
        connection.On<EvaluationCompletedMessage>("EvaluationCompleted", evaluations.Enqueue);
        connection.On<ProgressMessage>("Progress", p => stages.Enqueue(p.Stage));
        await connection.StartAsync();

        var submitted = await app.SubmitAsync(new
        {
            name = "Homework 1",
            rbm = new { hiddenUnits = 49, epochs = 3, seed = 1 },
            data = new { classes = new[] { 1, 2, 3, 4, 5 }, limit = 2000, imageSize = 16, binarizeThreshold = 0.5 },
            evaluation = new { ais = new { runs = 20, betas = 500, testLimit = 200 }, perClass = true, perClassLimit = 30 },
        });
        Assert.Equal(new EvaluationSpec { Ais = new AisSpec { Runs = 20, Betas = 500, TestLimit = 200 }, PerClass = true, PerClassLimit = 30 }, submitted.Evaluation);
        await connection.InvokeAsync("WatchJob", submitted.Id.ToString());

        var job = await app.WaitForStatusAsync(submitted.Id, JobStatus.Succeeded);
        Assert.Equal(["ais", "perClass"], job.Evaluations!.Select(e => e.Kind));

        var ais = job.Evaluations![0];
        Assert.Null(ais.ImageUrl);
        double logZ = ais.Result.GetProperty("logZ").GetDouble();
        double low = ais.Result.GetProperty("logZLow").GetDouble();
        double high = ais.Result.GetProperty("logZHigh").GetDouble();
        double average = ais.Result.GetProperty("avgTestLogProbability").GetDouble();
        Assert.True(double.IsFinite(logZ) && low <= logZ && logZ <= high, $"log Z {logZ} in [{low}, {high}]");
        Assert.True(average < 0, $"average test log-probability {average}");
        Assert.Equal(200, ais.Result.GetProperty("testCount").GetInt32());
        Assert.Equal(20, ais.Result.GetProperty("runs").GetInt32());
        Assert.Equal(500, ais.Result.GetProperty("betas").GetInt32());

        var perClass = job.Evaluations![1];
        var classes = perClass.Result.GetProperty("classes").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 10), classes.Select(c => c.GetProperty("digit").GetInt32()));
        Assert.Equal(
            Enumerable.Range(0, 10).Select(d => d is >= 1 and <= 5),
            classes.Select(c => c.GetProperty("trainedOn").GetBoolean()));
        Assert.All(classes, c =>
        {
            Assert.Equal(30, c.GetProperty("count").GetInt32());
            Assert.True(c.GetProperty("squaredError").GetDouble() > 0);
            Assert.True(double.IsFinite(c.GetProperty("crossEntropy").GetDouble()));
        });
        Assert.Equal($"/api/jobs/{job.Id}/images/per-class", perClass.ImageUrl);
        var image = await app.CreateClient().GetAsync(perClass.ImageUrl);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.True(Png.HasSignature(await image.Content.ReadAsByteArrayAsync()));

        await JobEvents.UntilReceivedAsync(connection, () => evaluations.Count == 2, () => $"{evaluations.Count} EvaluationCompleted messages");
        Assert.Equal(["ais", "perClass"], evaluations.Select(e => e.Evaluation.Kind));
        Assert.All(evaluations, e => Assert.Equal(job.Id, e.JobId));
        Assert.Contains("evaluating", stages);

        var model = await app.CreateClient().GetFromJsonAsync<ModelDto>($"/api/models/{job.ModelId}", TestApp.Json);
        Assert.Equal(["ais", "perClass"], model!.Evaluations!.Select(e => e.Kind));
        var (_, metadata) = RbmModelFile.Load(await app.CreateClient().GetByteArrayAsync(model.FileUrl));
        using var stored = JsonDocument.Parse(metadata["evaluations"]);
        Assert.Equal(2, stored.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task PatchJobOnBuiltInImagesReconstructsTheTestImage()
    {
        await using var app = new TestApp();
        var submitted = await app.SubmitAsync(new
        {
            name = "Homework 2",
            kind = "rbm-patches",
            rbm = new { hiddenUnits = 16, learningRate = 0.01, batchSize = 50, epochs = 2, seed = 4 },
            patches = new { trainImage = "builtin:chelsea", testImage = "builtin:coffee", patchSize = 8, patchCount = 2000, standardization = "PerPatch", stride = 4 },
        });
        Assert.Equal("rbm-patches", submitted.Kind);
        Assert.Equal(VisibleUnitType.Gaussian, submitted.Rbm!.VisibleType);
        Assert.Equal(new PatchesSpec { TrainImage = "builtin:chelsea", TestImage = "builtin:coffee", PatchSize = 8, PatchCount = 2000, Stride = 4 }, submitted.Patches);

        var job = await app.WaitForStatusAsync(submitted.Id, JobStatus.Succeeded);
        var evaluation = Assert.Single(job.Evaluations!);
        Assert.Equal("patchReconstruction", evaluation.Kind);
        var coffee = BuiltInImages.Find("coffee")!;
        Assert.Equal(coffee.Width, evaluation.Result.GetProperty("width").GetInt32());
        Assert.Equal(coffee.Height, evaluation.Result.GetProperty("height").GetInt32());
        double binary = evaluation.Result.GetProperty("binaryError").GetDouble();
        double probabilities = evaluation.Result.GetProperty("probabilityError").GetDouble();
        Assert.True(binary > 0 && double.IsFinite(binary), $"binary error {binary}");
        Assert.True(probabilities > 0 && probabilities < 1, $"probability error {probabilities}");
        Assert.All(job.History, m => Assert.NotNull(m.Report));

        var client = app.CreateClient();
        Assert.True(Png.HasSignature(await client.GetByteArrayAsync($"/api/jobs/{job.Id}/images/patch-reconstruction")));
        Assert.True(Png.HasSignature(await client.GetByteArrayAsync($"/api/jobs/{job.Id}/images/filters")));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/jobs/{job.Id}/images/per-class")).StatusCode);

        var model = await client.GetFromJsonAsync<ModelDto>($"/api/models/{job.ModelId}", TestApp.Json);
        Assert.Equal("rbm-patches", model!.Kind);
        Assert.Equal((64, 8, 8), (model.VisibleUnits, model.ImageWidth, model.ImageHeight));
        Assert.NotNull(model.Patches);
        Assert.Equal(submitted.Patches, model.Patches.Spec);
        var standardizer = PatchStandardizer.FromJson(model.Patches.Standardizer.GetRawText());
        Assert.Equal(64, standardizer.Features);
        Assert.Equal(StandardizationMode.PerPatch, standardizer.Mode);
        var (rbm, metadata) = RbmModelFile.Load(await client.GetByteArrayAsync(model.FileUrl));
        Assert.Equal(VisibleUnitType.Gaussian, rbm.VisibleType);
        Assert.Contains("standardizer", metadata["patches"], StringComparison.Ordinal);
        Assert.Contains("patchReconstruction", metadata["evaluations"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobTrainsOnADataSetUploadedThroughTheApi()
    {
        await using var app = new TestApp();
        const int count = 300, side = 6;
        var rng = new Xoshiro256StarStar(9);
        var labels = new byte[count];
        var pixels = new byte[count * side * side];
        for (int r = 0; r < count; r++)
        {
            labels[r] = (byte)(r % 3);
            for (int c = 0; c < side * side; c++)
            {
                // Three classes, each lighting one band of the 6×6 image.
                pixels[r * side * side + c] = c / 12 == labels[r] && rng.NextFloat() < 0.9f ? (byte)255 : (byte)0;
            }
        }

        using var upload = await app.CreateClient().PostAsync(
            "/api/datasets", DatasetForms.Idx(Idx(pixels, count, side, side), Idx(labels, count), "bands"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var dataset = await upload.Content.ReadFromJsonAsync<DatasetDto>(TestApp.Json);
        Guid id = dataset!.Id;
        Assert.Equal((count, side, side, true), (dataset.Count, dataset.Width, dataset.Height, dataset.HasLabels));

        var submitted = await app.SubmitAsync(new
        {
            rbm = new { hiddenUnits = 6, epochs = 3, batchSize = 10 },
            data = new { dataset = "user", datasetId = id, classes = new[] { 0, 1 } },
            evaluation = new { ais = new { runs = 10, betas = 200, testLimit = 50 } },
        });
        Assert.Equal(id, submitted.Data.DatasetId);

        var job = await app.WaitForStatusAsync(submitted.Id, JobStatus.Succeeded);
        Assert.All(job.History, m => AssertFinite(m.Report, m.Epoch, hiddenUnits: 6));
        var ais = Assert.Single(job.Evaluations!);
        Assert.True(ais.Result.GetProperty("avgTestLogProbability").GetDouble() < 0);
        var model = await app.CreateClient().GetFromJsonAsync<ModelDto>($"/api/models/{job.ModelId}", TestApp.Json);
        Assert.Equal((36, 6, 6), (model!.VisibleUnits, model.ImageWidth, model.ImageHeight));
        Assert.Equal(id, model.Data.DatasetId);
    }

    /// <summary>An IDX file of unsigned bytes with the given dimensions (big-endian header).</summary>
    private static byte[] Idx(byte[] data, params int[] dimensions)
    {
        var file = new byte[4 + 4 * dimensions.Length + data.Length];
        file[2] = 0x08;
        file[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + 4 * d), dimensions[d]);
        }

        data.CopyTo(file, 4 + 4 * dimensions.Length);
        return file;
    }

    private static void AssertFinite(EpochReportDto? report, int epoch, int hiddenUnits)
    {
        Assert.NotNull(report);
        Assert.Equal(epoch, report.Epoch);
        foreach (double? value in new[] { report.SquaredError, report.CrossEntropy, report.PseudoLogLikelihood, report.FreeEnergyTrain, report.FreeEnergyHeldOut })
        {
            Assert.True(value is { } v && double.IsFinite(v), $"epoch {epoch}: {JsonSerializer.Serialize(report, TestApp.Json)}");
        }

        Assert.True(report.PseudoLogLikelihood < 0);
        Assert.Equal(hiddenUnits, report.HiddenMeanActivation.Length);
        Assert.All(report.HiddenMeanActivation, a => Assert.InRange(a, 0f, 1f));
        Assert.InRange(report.DeadUnits + report.SaturatedUnits, 0, hiddenUnits);
        Assert.NotEmpty(report.Weights.Counts);
        Assert.True(report.Weights.Min <= report.Weights.Max);
        Assert.Equal(hiddenUnits, report.HiddenBias.Counts.Sum());
    }
}
