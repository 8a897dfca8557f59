using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Stepper;

namespace DeepNet.Server.Tests;

/// <summary>The update rule step by step (issue 15, point 4): the page's numbers are the trainer's.</summary>
public sealed class StepperApiTests : IClassFixture<SharedApp>
{
    private static readonly float[] SixVisible = [1, 0, 1, 1, 0, 0];
    private static readonly float[][] LectureMatrix = [[1, 2, 0, 3], [4, 3, 6, 5], [3, 4, 1, 2], [2, 7, 2, 0]];

    private readonly SharedApp _app;

    public StepperApiTests(SharedApp app) => _app = app;

    [Theory]
    [InlineData(1UL, 0.1f, 3)]
    [InlineData(7UL, 0.5f, 3)]
    [InlineData(123456789UL, 2f, 5)]
    public async Task StepNumbersEqualTheTrainersFirstUpdateForTheSameSeed(ulong seed, float rate, int hidden)
    {
        var step = await StepAsync(new { visible = SixVisible, hidden, learningRate = rate, seed, initialWeightStdDev = 1f });

        // The server's trainer, as a job runs it, on the one sample with the same seed.
        var options = RbmUpdateStepper.OptionsFor(hidden, rate, seed, 1f);
        var trainer = new RbmTrainer(options, new Matrix(1, SixVisible.Length, (float[])SixVisible.Clone()));
        Rbm before = trainer.Model.Clone();
        Rbm trained = trainer.Train(new IgnoreProgress(), CancellationToken.None);

        Assert.Equal(Rows(before.Weights), step.Weights);
        Assert.Equal(Rows(trained.Weights), step.WeightsAfter);
        Assert.Equal(trained.VisibleBias, step.VisibleBiasAfter);
        Assert.Equal(trained.HiddenBias, step.HiddenBiasAfter);
        Assert.Equal(trainer.History[0].ReconstructionError, (float)step.ReconstructionError, 6);
        Assert.True(step.LargestDisagreement < 1e-6f, $"W + ΔW is {step.LargestDisagreement} from the trainer's W");
    }

    [Fact]
    public async Task EveryIntermediateFollowsTheLecturesFormulas()
    {
        var s = await StepAsync(new { visible = SixVisible, hidden = 3, learningRate = 0.3f, seed = 42, initialWeightStdDev = 1f });
        int v = SixVisible.Length;
        int h = 3;

        Assert.All(s.VisibleBias.Concat(s.HiddenBias), value => Assert.Equal(0f, value));
        Assert.Equal(SixVisible, s.X1);
        for (int j = 0; j < h; j++)
        {
            double total = s.HiddenBias[j] + Enumerable.Range(0, v).Sum(i => (double)s.Weights[j][i] * s.X1[i]);
            Assert.Equal(Sigmoid(total), s.HiddenProbabilities1[j], 5);
            Assert.Equal(s.HiddenUniforms[j] < s.HiddenProbabilities1[j] ? 1f : 0f, s.H1[j]);
        }

        for (int i = 0; i < v; i++)
        {
            double total = s.VisibleBias[i] + Enumerable.Range(0, h).Sum(j => (double)s.Weights[j][i] * s.H1[j]);
            Assert.Equal(Sigmoid(total), s.VisibleProbabilities2[i], 5);
            Assert.Equal(s.VisibleUniforms[i] < s.VisibleProbabilities2[i] ? 1f : 0f, s.X2[i]);
            Assert.Equal(0.3 * (s.X1[i] - s.X2[i]), s.VisibleBiasDelta[i], 6);
        }

        for (int j = 0; j < h; j++)
        {
            double total = s.HiddenBias[j] + Enumerable.Range(0, v).Sum(i => (double)s.Weights[j][i] * s.X2[i]);
            Assert.Equal(Sigmoid(total), s.HiddenProbabilities2[j], 5);
            Assert.Equal(0.3 * (s.H1[j] - s.HiddenProbabilities2[j]), s.HiddenBiasDelta[j], 6);
            for (int i = 0; i < v; i++)
            {
                Assert.Equal(0.3 * (s.H1[j] * s.X1[i] - s.HiddenProbabilities2[j] * s.X2[i]), s.WeightDelta[j][i], 6);
            }
        }

        Assert.All(s.HiddenUniforms.Concat(s.VisibleUniforms), u => Assert.InRange(u, 0f, 1f));
    }

    [Fact]
    public async Task SameSeedGivesTheSameStepAndAnotherSeedAnother()
    {
        var body = new { visible = SixVisible, seed = 5 };
        var first = await StepAsync(body);
        var again = await StepAsync(body);
        var other = await StepAsync(new { visible = SixVisible, seed = 6 });

        Assert.Equal(first.WeightsAfter, again.WeightsAfter);
        Assert.Equal(first.HiddenUniforms, again.HiddenUniforms);
        Assert.NotEqual(first.Weights, other.Weights);
        Assert.Equal((3, 6), (first.Weights.Length, first.Weights[0].Length));
        Assert.Equal(0.1f, first.LearningRate);
    }

    [Theory]
    [InlineData("""{"hidden":3}""", "visible")]
    [InlineData("""{"visible":[]}""", "visible")]
    [InlineData("""{"visible":[1,0,1.5]}""", "visible[2]")]
    [InlineData("""{"visible":[1,0],"hidden":17}""", "hidden")]
    [InlineData("""{"visible":[1,0],"learningRate":0}""", "learningRate")]
    [InlineData("""{"visible":[1,0],"initialWeightStdDev":2}""", "initialWeightStdDev")]
    public async Task BadRbmStepIsRefusedNamingTheField(string body, string field)
    {
        using var problem = await ProblemAsync("/api/stepper/rbm", body);
        Assert.NotEmpty(TestProblems.FieldError(problem, field));
    }

    [Fact]
    public async Task TooManyVisibleUnitsAreRefused()
    {
        using var problem = await ProblemAsync("/api/stepper/rbm", JsonSerializer.Serialize(new { visible = new float[65] }));
        Assert.Contains("64", TestProblems.FieldError(problem, "visible"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConvolutionOfTheLectureMatrixSumsEachWindowsProducts()
    {
        var response = await _app.Client.PostAsJsonAsync("/api/stepper/convolution", new { input = LectureMatrix, kernel = new[] { new float[] { 1, 0 }, [0, -1] } });
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var result = JsonSerializer.Deserialize<ConvolutionStepResponse>(text, TestApp.Json)!;

        // A_ij = X_ij − X_{i+1,j+1}.
        Assert.Equal(new[] { new float[] { -2, -4, -5 }, [0, 2, 4], [-4, 2, 1] }, result.Output);
        Assert.Equal(9, result.Steps.Count);
        var cell = result.Steps[5];
        Assert.Equal((1, 2), (cell.Row, cell.Col));
        Assert.Equal(new float[] { 6, 0, 0, -2 }, cell.Terms);
        Assert.Equal(4f, cell.Sum);
    }

    [Theory]
    [InlineData("""{"kernel":[[1]]}""", "input")]
    [InlineData("""{"input":[[1,2],[3,4]],"kernel":[[1,2,3]]}""", "kernel")]
    [InlineData("""{"input":[[1,2],[3]],"kernel":[[1]]}""", "input[1]")]
    [InlineData("""{"input":[[1,2],[3,4]],"kernel":[[1,1,1,1,1,1,1,1,1]]}""", "kernel[0]")]
    public async Task BadConvolutionIsRefusedNamingTheField(string body, string field)
    {
        using var problem = await ProblemAsync("/api/stepper/convolution", body);
        Assert.NotEmpty(TestProblems.FieldError(problem, field));
    }

    private async Task<RbmStepResponse> StepAsync(object body)
    {
        var response = await _app.Client.PostAsJsonAsync("/api/stepper/rbm", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonSerializer.Deserialize<RbmStepResponse>(text, TestApp.Json)!;
    }

    private async Task<JsonDocument> ProblemAsync(string path, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return await TestProblems.ReadAsync(await _app.Client.PostAsync(path, content), HttpStatusCode.BadRequest);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static float[][] Rows(Matrix m) => [.. Enumerable.Range(0, m.Rows).Select(r => m.Row(r).ToArray())];

    private sealed class IgnoreProgress : IRbmTrainingObserver
    {
        public void OnBatchCompleted(TrainingProgress progress, Rbm model)
        {
        }

        public void OnEpochCompleted(EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
        }
    }
}
