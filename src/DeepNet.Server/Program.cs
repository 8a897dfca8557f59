using DeepNet.Server;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // The UI is the repository's top-level wwwroot, copied next to the binaries by the build (see the csproj).
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
builder.ListenOnDefaultAddress();
builder.AddApplicationServices();

var app = builder.Build();
app.WarnWhenDebugBuild();
app.MigrateDatabase();
app.MapApplication();
app.Run();

public partial class Program
{
}
