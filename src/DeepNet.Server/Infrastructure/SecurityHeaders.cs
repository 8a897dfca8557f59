namespace DeepNet.Server.Infrastructure;

/// <summary>
/// The headers that tell a browser what the service's pages may do, on every response (pages, static files, API
/// answers, errors): a Content-Security-Policy without inline script, nosniff, a same-origin Referrer-Policy and no
/// framing. Swagger UI under /swagger gets a policy of its own (<see cref="SwaggerPolicy"/>).
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The UI's policy. Scripts and styles come only from the service's own files; images also from data: (PNGs that
    /// arrive over SignalR) and blob: (previews of a chosen file); 'self' in connect-src covers the SignalR WebSocket on
    /// the same host and port. Styles need no 'unsafe-inline': the UI sets styles through the CSSOM (element.style),
    /// never as style="" markup.
    /// </summary>
    public const string UiPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Swagger UI's policy: its scripts are files too (Swashbuckle serves index.js, no inline script), but the
    /// swagger-ui bundle renders with inline style attributes and injects style elements, hence 'unsafe-inline' for
    /// styles here only; its icons are data: images.
    /// </summary>
    public const string SwaggerPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Adds the headers to every response; use it first so that error pages and short-circuits carry them too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set when the response starts: the exception handler clears the headers of a failed response.
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments(ApiDocument.UiPath) ? SwaggerPolicy : UiPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        }, context);
        return next(context);
    });
}
