namespace DeepNet.Server.Tests;

/// <summary>One app for tests that never start training (validation, 404s, documents).</summary>
public sealed class SharedApp : IAsyncLifetime
{
    public TestApp App { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Client = App.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
