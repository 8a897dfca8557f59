using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// Caps request bodies under /api: job submissions are small JSON documents. Upload endpoints raise their own cap
/// with request size limit metadata (e.g. <c>.WithMetadata(new RequestSizeLimitAttribute(bytes))</c>).
/// </summary>
public static class RequestBodyLimit
{
    public const long MaxApiBodyBytes = 64 * 1024;

    public static IApplicationBuilder UseApiRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            long maxBytes = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? MaxApiBodyBytes;
            if (context.Request.ContentLength > maxBytes)
            {
                throw new BadHttpRequestException(
                    $"The request body is {context.Request.ContentLength} bytes; at most {maxBytes} bytes are accepted.",
                    StatusCodes.Status413PayloadTooLarge);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = maxBytes;
            }
        }

        await next(context);
    });
}
