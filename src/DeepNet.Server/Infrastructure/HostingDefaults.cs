using System.Diagnostics;
using System.Reflection;

namespace DeepNet.Server.Infrastructure;

/// <summary>Where the server listens when nobody says, and a word when it was built for debugging.</summary>
public static class HostingDefaults
{
    public const int DefaultPort = 5080;

    /// <summary>
    /// http://localhost:5080, or the port in <c>PORT</c>, unless an address was set the usual ways (<c>--urls</c>,
    /// <c>ASPNETCORE_URLS</c>, <c>urls</c> or <c>Kestrel:Endpoints</c> in configuration), which win.
    /// </summary>
    public static WebApplicationBuilder ListenOnDefaultAddress(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        if (!string.IsNullOrWhiteSpace(configuration["urls"]) || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            return builder;
        }

        string? port = configuration["PORT"];
        if (port is not null && (!int.TryParse(port, out int number) || number is < 1 or > 65535))
        {
            throw new InvalidOperationException($"PORT must be a TCP port between 1 and 65535, not '{port}'.");
        }

        builder.WebHost.UseUrls($"http://localhost:{port ?? DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        return builder;
    }

    /// <summary>Warns at startup when the server was built Debug: training runs several times slower than in Release.</summary>
    public static WebApplication WarnWhenDebugBuild(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (typeof(HostingDefaults).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
        {
            app.Logger.LogWarning("This is a Debug build: training runs several times slower. Run it with: dotnet run -c Release --project src/DeepNet.Server");
        }

        return app;
    }
}
