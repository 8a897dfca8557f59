using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// At most <see cref="ConcurrencyOptions.HubConnectionsPerUser"/> SignalR connections per user (per address when signed
/// out) over every hub: each one costs the server a socket, buffers and the messages it is sent. A negotiate past the
/// cap is a 429 ProblemDetails (<see cref="ConcurrencyCaps.UseHubConnectionCap"/>); a connection that raced past it is closed with the
/// same reason by the hub filter.
/// </summary>
public sealed class HubConnectionCap(IOptions<ConcurrencyOptions> options) : IHubFilter
{
    private const string HeldKey = "deepnet.hub-connection-slot";

    private readonly KeyedSlots _slots = new(int.MaxValue, options.Value.HubConnectionsPerUser);

    public int PerUser => _slots.PerKey;

    /// <summary>Connections <paramref name="key"/> holds (see <see cref="KeyOf"/>).</summary>
    public int HeldBy(string key) => _slots.HeldBy(key);

    /// <summary>The caller's key: the user id, or the address when signed out.</summary>
    public static string KeyOf(HttpContext? http) =>
        http?.User.UserIdOrNull() ?? $"address:{http?.Connection.RemoteIpAddress}";

    public string Refusal => string.Create(
        CultureInfo.InvariantCulture,
        $"You have {PerUser} live connections open (browser tabs, scripts), the most one user may; close some and reload.");

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        string key = KeyOf(context.Context.GetHttpContext());
        if (_slots.TryAcquire(key) != SlotRefusal.None)
        {
            throw new HubException(Refusal);
        }

        context.Context.Items[HeldKey] = key;
        try
        {
            await next(context);
        }
        catch
        {
            context.Context.Items.Remove(HeldKey);
            _slots.Release(key);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            if (context.Context.Items.Remove(HeldKey, out object? key))
            {
                _slots.Release((string)key!);
            }
        }
    }
}

/// <summary>The caps on decodes, sampling streams and hub connections, configured under <see cref="ConcurrencyOptions.Section"/>.</summary>
public static class ConcurrencyCaps
{
    public static IServiceCollection AddConcurrencyCaps(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConcurrencyOptions>()
            .Bind(configuration.GetSection(ConcurrencyOptions.Section))
            .Validate(o => o.ImageDecodes >= 1 && o.ImageDecodeWait >= TimeSpan.Zero && o.HubConnectionsPerUser >= 1
                && o.SamplingStreams >= 1 && o.SamplingStreamsPerUser >= 1,
                "Concurrency: every bound must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<ImageDecodeSlots>();
        services.AddSingleton<SamplingStreams>();
        services.AddSingleton<HubConnectionCap>();
        services.Configure<HubOptions>(options => options.AddFilter<HubConnectionCap>());
        services.AddOptions<MemoryOptions>()
            .Bind(configuration.GetSection(MemoryOptions.Section))
            .Validate(o => o.CheckInterval > TimeSpan.Zero && o.ReturnAfterMB > 0 && o.QuietBelowMB > 0, "Memory: every setting must be positive.")
            .ValidateOnStart();
        services.AddSingleton<MemoryReturn>();
        services.AddHostedService(sp => sp.GetRequiredService<MemoryReturn>());
        return services;
    }

    /// <summary>Answers a hub negotiate 429 when the caller already holds their connections (after authentication).</summary>
    public static WebApplication UseHubConnectionCap(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.StartsWithSegments("/hubs")
                && http.Request.Path.Value!.EndsWith("/negotiate", StringComparison.Ordinal))
            {
                var cap = http.RequestServices.GetRequiredService<HubConnectionCap>();
                if (cap.HeldBy(HubConnectionCap.KeyOf(http)) >= cap.PerUser)
                {
                    await Problems.TooManyRequests(cap.Refusal).ExecuteAsync(http);
                    return;
                }
            }

            await next(http);
        });
        return app;
    }
}
