using DeepNet.Server;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;

// "deepnet worker": the job engine over the shared database and data directory, without the UI and API.
bool worker = args is ["worker", ..];
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = worker ? args[1..] : args,
    // The UI is the repository's top-level wwwroot, copied next to the binaries by the build (see the csproj).
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
builder.ListenOnDefaultAddress();
builder.AddApplicationServices();

var app = builder.Build();
app.WarnWhenDebugBuild();
app.MigrateDatabase();
if (worker)
{
    app.MapWorker();
}
else
{
    app.MapApplication();
}

app.Run();

public partial class Program
{
}
