using Microsoft.AspNetCore.Http.Features;

namespace DeepNet.Server.Infrastructure;

/// <summary>Caps request bodies under /api: job submissions are small JSON documents.</summary>
public static class RequestBodyLimit
{
    public const long MaxApiBodyBytes = 64 * 1024;

    public static IApplicationBuilder UseApiRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            if (context.Request.ContentLength > MaxApiBodyBytes)
            {
                throw new BadHttpRequestException(
                    $"The request body is {context.Request.ContentLength} bytes; at most {MaxApiBodyBytes} bytes are accepted.",
                    StatusCodes.Status413PayloadTooLarge);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxApiBodyBytes;
            }
        }

        await next(context);
    });
}
