using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// Refuses state-changing requests that another site's page could have sent with the browser's session cookie. The
/// cookie is SameSite=Strict, but a "site" ignores the port: another service on the same host (a classmate's server on
/// another port) is same-site and would get the cookie. So every POST, PUT, PATCH and DELETE (uploads included) and every
/// WebSocket handshake that the cookie authenticates must name its origin (Origin, else Referer) and that origin must
/// be the service's own (scheme, host and port of the request) or one listed in "CrossSiteRequests:AllowedOrigins".
/// A request authenticated by a bearer token is not checked: no other site can make a browser attach one. An anonymous
/// request (signing up, signing in with ?useCookies=true) is refused only when it names a foreign origin: a forged
/// sign-in would put the victim's browser in the attacker's account. Refusals are 403 "Cross-site request refused".
/// </summary>
public static class CrossSiteRequestGuard
{
    public const string Section = "CrossSiteRequests";

    public static IServiceCollection AddCrossSiteRequestGuard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CrossSiteRequestOptions>()
            .Bind(configuration.GetSection(Section))
            .Validate(
                options => options.AllowedOrigins.All(o => ParseOrigin(o) is not null),
                $"{Section}:AllowedOrigins: every entry must be an absolute http(s) origin such as https://deepnet.example.edu.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>Runs after authentication, which tells whether the cookie or a bearer token signed the request in.</summary>
    public static IApplicationBuilder UseCrossSiteRequestGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!ChangesState(context.Request) || (await context.AuthenticateAsync(IdentityConstants.BearerScheme)).Succeeded)
        {
            await next(context);
            return;
        }

        bool byCookie = (await context.AuthenticateAsync(IdentityConstants.ApplicationScheme)).Succeeded;
        string? refusal = ClaimedOrigin(context.Request) switch
        {
            (null, _) when byCookie => "It is signed in with the browser's cookie but has no Origin or Referer header, so it may come from another site.",
            (null, _) => null,
            (_, { } value) when ParseOrigin(value) is { } origin && IsAllowed(origin, context) => null,
            (var header, var value) => $"It comes from {Describe(value)} (its {header} header), not from this service's own pages.",
        };
        if (refusal is null)
        {
            await next(context);
            return;
        }

        await Problems.CrossSiteRefused($"{refusal} Nothing was changed.").ExecuteAsync(context);
    });

    /// <summary>Writes and WebSocket handshakes (a hub connection acts as the user: cross-site WebSocket hijacking).</summary>
    private static bool ChangesState(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method)
        || HttpMethods.IsDelete(request.Method) || HttpMethods.IsConnect(request.Method)
        || request.HttpContext.WebSockets.IsWebSocketRequest
        || request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);

    /// <summary>The header that says where the request comes from (Origin, else Referer) and its value; nulls when neither is sent.</summary>
    private static (string? Header, string? Value) ClaimedOrigin(HttpRequest request) =>
        request.Headers.Origin is { Count: > 0 } origin ? (HeaderNames.Origin, origin.ToString())
        : request.Headers.Referer is { Count: > 0 } referer ? (HeaderNames.Referer, referer.ToString())
        : (null, null);

    private static string Describe(string? value) =>
        ParseOrigin(value) is { } origin ? origin.GetLeftPart(UriPartial.Authority) : $"\"{value}\"";

    private static bool IsAllowed(Uri claimed, HttpContext context)
    {
        if (ParseOrigin($"{context.Request.Scheme}://{context.Request.Host}") is { } own && SameOrigin(claimed, own))
        {
            return true;
        }

        var allowed = context.RequestServices.GetRequiredService<IOptions<CrossSiteRequestOptions>>().Value.AllowedOrigins;
        return allowed.Any(o => ParseOrigin(o) is { } listed && SameOrigin(claimed, listed));
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    /// <summary>An http(s) URL's origin part; null for anything else (the opaque origin "null", a relative or malformed value).</summary>
    private static Uri? ParseOrigin(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0
            ? uri
            : null;
}

/// <summary>The section "CrossSiteRequests": origins besides the service's own whose pages may use the cookie.</summary>
public sealed class CrossSiteRequestOptions
{
    /// <summary>Absolute origins ("https://deepnet.example.edu"), e.g. the public address behind a TLS-terminating proxy.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}
