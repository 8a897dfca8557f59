using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests.Sharing;

[Trait("Category", "Slow")]
public sealed class ModelForkRestartTests
{
    [Fact]
    public async Task AForkResumedAfterARestartContinuesFromItsCheckpointNotFromTheParent()
    {
        string directory = TestApp.NewDataDirectory();
        try
        {
            Guid forkId;
            Guid parentId;
            await using (var first = new TestApp(directory))
            {
                var parent = await first.SubmitAsync(TestApp.SmallJob(epochs: 2, name: "parent"));
                parentId = (await first.WaitForStatusAsync(parent.Id, JobStatus.Succeeded)).ModelId!.Value;
                var client = first.CreateClient();
                var response = await client.PostAsJsonAsync($"/api/models/{parentId}/fork", new { mode = "continue", epochs = 120 }, TestApp.Json);
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
                forkId = (await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!.Id;
                await first.WaitForJobAsync(forkId, j => j.History.Count >= 1, "checkpointed an epoch");
            }

            // The parent stays: a fork whose parent is deleted fails (DerivedViewMatrixTests); this one resumes from its checkpoint.

            await using (var second = new TestApp(directory))
            {
                var done = await second.WaitForStatusAsync(forkId, JobStatus.Succeeded);
                Assert.InRange(done.ResumedFromEpoch ?? 0, 1, 119);
                Assert.Equal(Enumerable.Range(1, 120), done.History.Select(m => m.Epoch));
                var model = await second.CreateClient().GetFromJsonAsync<ModelDto>($"/api/models/{done.ModelId}", TestApp.Json);
                Assert.NotNull(model);
            }
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }
}
