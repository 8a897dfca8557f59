using DeepNet.Models.Dbn;
using DeepNet.Server.Contracts;
using DeepNet.Server.Dbn;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

[Trait("Category", "Slow")]
public sealed class DbnRestartTests
{
    /// <summary>Many short epochs in both stages: the first checkpoints come fast, the whole run takes a while.</summary>
    // Fine-tuning is long enough (a few seconds) for the poll to catch the job in it before it finishes.
    private static object Resumable(string name) => DbnJobs.Tiny(pretrainEpochs: 40, fineTuneEpochs: FineTuneEpochs, limit: 120, validation: 20, units: 12, name: name);

    private const int FineTuneEpochs = 400;
    private const int PretrainEpochs = 80;
    private const int AllEpochs = PretrainEpochs + FineTuneEpochs;

    [Fact]
    public async Task DbnJobInterruptedMidPretrainingResumesToTheSameWeightsAsAnUninterruptedRun()
    {
        await RestartAndCompareAsync(j => j.Stages!.Count >= 1, interruptedIn: "pretrain-");
    }

    [Fact]
    public async Task DbnJobInterruptedDuringFineTuningResumesToTheSameWeightsAsAnUninterruptedRun()
    {
        await RestartAndCompareAsync(j => j.Stages!.Any(s => s.Stage == "finetune"), interruptedIn: "finetune");
    }

    private static async Task RestartAndCompareAsync(Func<JobDto, bool> interruptWhen, string interruptedIn)
    {
        string directory = TestApp.NewDataDirectory();
        try
        {
            Guid id;
            await using (var first = new DbnApp(directory))
            {
                id = (await first.SubmitAsync(Resumable("resumable"))).Id;
                var running = await first.WaitForJobAsync(id, interruptWhen, $"reached {interruptedIn}");
                Assert.Equal(JobStatus.Running, running.Status);
            }

            await using var second = new DbnApp(directory);
            var done = await second.WaitForSuccessAsync(id);
            int resumedAfter = done.ResumedFromEpoch ?? 0;
            Assert.True(resumedAfter >= 1, "the job did not resume from a checkpoint");
            if (interruptedIn == "finetune")
            {
                Assert.InRange(resumedAfter, PretrainEpochs + 1, AllEpochs - 1);
            }
            else
            {
                Assert.InRange(resumedAfter, 1, PretrainEpochs - 1);
            }

            // Every stage epoch exactly once, in order.
            var expected = Enumerable.Range(1, 40).Select(e => ("pretrain-1", e))
                .Concat(Enumerable.Range(1, 40).Select(e => ("pretrain-2", e)))
                .Concat(Enumerable.Range(1, FineTuneEpochs).Select(e => ("finetune", e)));
            Assert.Equal(expected, done.Stages!.Select(s => (s.Stage, s.Epoch)));

            // The same run without interruption, straight through the library on the same rows.
            var spec = DbnSpecValidator.WithDefaults(done.Dbn);
            var data = await DbnData.LoadAsync(done.Data, spec, second.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>(), CancellationToken.None);
            var reference = new DbnTrainer(DbnJobKind.ToOptions(spec, data.Train.Cols), data.Train, data.TrainLabels, data.Classes)
                .Train(NullDbnTrainingObserver.Instance, CancellationToken.None);
            var resumed = DbnModelFile.Load(await second.GetModelFileAsync(done.ModelId!.Value));
            for (int l = 0; l < reference.Stack.Layers.Count; l++)
            {
                Assert.Equal(reference.Stack.Layers[l].Weights.Data, resumed.Stack.Layers[l].Weights.Data);
                Assert.Equal(reference.Stack.Layers[l].HiddenBias, resumed.Stack.Layers[l].HiddenBias);
            }

            for (int l = 0; l < reference.Classifier!.LayerCount; l++)
            {
                Assert.Equal(reference.Classifier.Weights(l).Data, resumed.Classifier!.Weights(l).Data);
                Assert.Equal(reference.Classifier.Bias(l), resumed.Classifier.Bias(l));
            }
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }
}
