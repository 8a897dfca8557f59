using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepNet.Models.Cnn;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests;

/// <summary>
/// Issue 14, presets that are what they say: the job bodies of wwwroot/js/presets.json (the Train and CNN pages fill their
/// forms from them) each validate, build a model of the shapes the preset names, and train for an epoch through the real
/// job API; LeNet-5 is the recipe docs/performance.md measured.
/// </summary>
public sealed class PresetTests
{
    /// <summary>LeNet-5 on 28×28 digits, the output of every layer that changes the shape: S4 is 16×5×5, then C5 120, F6 84, 10.</summary>
    private static readonly string[] LeNet5Shapes = ["6×28×28", "6×14×14", "16×10×10", "16×5×5", "120×1×1", "84×1×1", "10×1×1"];

    public static TheoryData<string, string> Presets()
    {
        var data = new TheoryData<string, string>();
        foreach (var group in PresetFile().AsObject())
        {
            foreach (var preset in group.Value!.AsObject())
            {
                data.Add(group.Key, preset.Key);
            }
        }

        return data;
    }

    [Fact]
    public void EveryPresetOfThePagesIsCovered()
    {
        Assert.Equal(
            ["rbm/homework1", "rbm/homework2", "rbm/lecture", "cnn/lenet5", "cnn/small", "dbn/hinton2006", "dbn/small"],
            Presets().Select(p => $"{p[0]}/{p[1]}"));
    }

    [Fact]
    public void LeNet5IsTheMeasuredRecipeOnTheFullTrainingSetAt28By28()
    {
        var job = Job("cnn", "lenet5");
        Assert.Equal(28, job["data"]!["imageSize"]!.GetValue<int>());
        Assert.Null(job["data"]!["limit"]); // all 60,000 training digits
        var cnn = job["cnn"]!;
        Assert.Equal(0, cnn["validation"]!.GetValue<int>());
        Assert.Equal(("sgd", 0.05, 0.9, 0.8, 64, 12), (
            cnn["optimizer"]!.GetValue<string>(), cnn["learningRate"]!.GetValue<double>(), cnn["momentum"]!.GetValue<double>(),
            cnn["learningRateDecay"]!.GetValue<double>(), cnn["batchSize"]!.GetValue<int>(), cnn["epochs"]!.GetValue<int>()));
        Assert.Equal((10, 0.1, 2), (cnn["augment"]!["rotation"]!.GetValue<int>(), cnn["augment"]!["scale"]!.GetValue<double>(), cnn["augment"]!["shift"]!.GetValue<int>()));
    }

    [Fact]
    public void HomeworkTwoTrainsOnTheStudentsDogPhotoAndReconstructsTheCat()
    {
        var entry = PresetFile()["rbm"]!["homework2"]!;
        Assert.Contains("dog", entry["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("upload a photo of a dog", entry["asks"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(entry["job"]!["patches"]!["trainImage"]);
        Assert.Equal("builtin:chelsea", entry["job"]!["patches"]!["testImage"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public async Task EveryPresetBuildsTheShapesItNamesAndTrainsForAnEpoch(string group, string name)
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var job = Job(group, name);
        await Shorten(job, client);

        var submitted = await app.SubmitAsync(job);
        var done = await app.WaitForJobAsync(submitted.Id, j => j.Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled, "finished");
        Assert.True(done.Status == JobStatus.Succeeded, $"{group}/{name}: {done.Status} {done.Error}");
        var model = (await client.GetFromJsonAsync<ModelDto>($"/api/models/{done.ModelId}", TestApp.Json))!;

        switch ($"{group}/{name}")
        {
            case "rbm/homework1" or "rbm/lecture":
                Assert.Equal((256, 49, 16, 16), (model.VisibleUnits, model.HiddenUnits, model.ImageWidth, model.ImageHeight));
                break;
            case "rbm/homework2":
                Assert.Equal((100, 49), (model.VisibleUnits, model.HiddenUnits)); // 10×10 patches
                break;
            case "cnn/lenet5":
                Assert.Equal("LeNet-5", model.Architecture);
                Assert.Equal(LeNet5Shapes, await ShapesAsync(client, model.Id));
                break;
            case "cnn/small":
                Assert.Equal("small CNN", model.Architecture);
                Assert.Equal(["8×12×12", "8×6×6", "10×1×1"], await ShapesAsync(client, model.Id));
                break;
            case "dbn/hinton2006":
                Assert.Equal("784-500-500-2000-10", model.Architecture);
                break;
            case "dbn/small":
                Assert.Equal("256-64-64-10", model.Architecture);
                break;
            default:
                Assert.Fail($"A new preset {group}/{name} needs its shapes stated here.");
                break;
        }
    }

    /// <summary>One epoch (a layer) on a few hundred rows; homework 2's dog is a stand-in upload (the student's photo).</summary>
    private static async Task Shorten(JsonNode job, HttpClient client)
    {
        if (job["data"] is JsonObject data)
        {
            data["limit"] = 300;
        }

        if (job["rbm"] is JsonObject rbm)
        {
            rbm["epochs"] = 1;
        }

        if (job["cnn"] is JsonObject cnn)
        {
            cnn["epochs"] = 1;
            cnn["validation"] = 50;
            cnn["testLimit"] = 100;
        }

        if (job["dbn"] is JsonObject dbn)
        {
            foreach (var layer in dbn["layers"]!.AsArray())
            {
                layer!["epochs"] = 1;
            }

            dbn["backprop"]!["epochs"] = 1;
            dbn["backprop"]!["topLayerOnlyEpochs"] = 0;
            dbn["validation"] = 50;
            dbn["testLimit"] = 100;
        }

        if (job["evaluation"] is JsonObject evaluation && evaluation["perClass"]?.GetValue<bool>() == true)
        {
            evaluation["perClassLimit"] = 10;
        }

        if (job["patches"] is JsonObject patches)
        {
            patches["patchCount"] = 300;
            patches["stride"] = 6;
            using var upload = await client.PostAsync("/api/images", ImagesApiTests.ImageForm(TestImages.GrayPng(120, 90, (x, y) => ((x / 9) + (y / 7)) % 3 / 2.0), "dog.png", "My dog"));
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
            patches["trainImage"] = (await upload.Content.ReadFromJsonAsync<JsonElement>(TestApp.Json)).GetProperty("id").GetString();
        }
    }

    /// <summary>The output shape of every layer of the stored model that changes the shape (activations left out).</summary>
    private static async Task<string[]> ShapesAsync(HttpClient client, Guid modelId)
    {
        var (network, _) = CnnModelFile.Load(await client.GetByteArrayAsync($"/api/models/{modelId}/file"));
        var shapes = new List<string>();
        var previous = network.InputShape;
        foreach (var layer in network.Layers)
        {
            if (layer.OutputShape != previous)
            {
                shapes.Add(layer.OutputShape.ToString());
            }

            previous = layer.OutputShape;
        }

        return [.. shapes];
    }

    private static JsonNode Job(string group, string name) => PresetFile()[group]![name]!["job"]!.DeepClone();

    private static JsonNode PresetFile() => JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "wwwroot", "js", "presets.json")))!;

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DeepNetService.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository (DeepNetService.sln) was not found above the test's output.");
    }
}
