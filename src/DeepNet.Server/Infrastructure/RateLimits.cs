using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// ASP.NET Core's rate limiter on the requests one caller could use to crowd out the others: signing up and in (per
/// address), and per user submitting jobs, uploading, trying models and joining classes. A refusal is a 429 with
/// Retry-After and a ProblemDetails that names the limit. Configured in the section "RateLimits" (each policy's
/// PermitLimit per Window).
/// </summary>
public static class RateLimits
{
    public const string Section = "RateLimits";

    /// <summary>Sign-up, sign-in, token refresh and password reset, per client address.</summary>
    public const string Auth = "Auth";

    /// <summary>Job submissions (jobs, forks, experiment tables), per user.</summary>
    public const string Submit = "Submit";

    /// <summary>Uploads of images, data sets and model files, per user.</summary>
    public const string Upload = "Upload";

    /// <summary>Try-it requests (a model on a digit or an image), per user.</summary>
    public const string Try = "Try";

    /// <summary>Joining a class with a code, per user (guessing codes).</summary>
    public const string Join = "Join";

    private static readonly Dictionary<string, RateLimitPolicyOptions> Defaults = new(StringComparer.Ordinal)
    {
        [Auth] = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) },
        [Submit] = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) },
        [Upload] = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) },
        [Try] = new() { PermitLimit = 120, Window = TimeSpan.FromMinutes(1) },
        [Join] = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) },
    };

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;
            foreach (var (name, defaults) in Defaults)
            {
                var policy = configuration.GetSection($"{Section}:{name}").Get<RateLimitPolicyOptions>() ?? defaults;
                if (policy.PermitLimit < 1 || policy.Window <= TimeSpan.Zero)
                {
                    throw new InvalidOperationException($"{Section}:{name}: PermitLimit must be at least 1 and Window positive.");
                }

                bool perAddress = name == Auth;
                options.AddPolicy(name, http => RateLimitPartition.GetFixedWindowLimiter(
                    $"{name}:{(perAddress ? null : http.User.FindFirstValue(ClaimTypes.NameIdentifier)) ?? ClientAddress.Of(http)}",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = policy.PermitLimit, Window = policy.Window, QueueLimit = 0 }));
            }
        });
        return services;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        string wait = "";
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter))
        {
            int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            wait = $" Try again in {seconds} s.";
        }

        await Problems.TooManyRequests($"Too many requests of this kind from you in a short time.{wait}")
            .ExecuteAsync(http);
    }
}

/// <summary>One rate-limit policy: at most <see cref="PermitLimit"/> requests per <see cref="Window"/>.</summary>
public sealed class RateLimitPolicyOptions
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}
