using System.Security.Claims;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Accounts;

/// <summary>
/// Accounts: Identity in the service's database, a cookie for the browser and bearer tokens for HTTP clients; failed
/// sign-ins pause one address for one account (<see cref="SignInThrottle"/>) rather than locking the account; a
/// changed password (a new security stamp) ends every cookie and token issued before.
/// </summary>
public static class AccountsServiceExtensions
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddIdentityApiEndpoints<AppUser>(options => options.User.RequireUniqueEmail = true)
            .AddEntityFrameworkStores<DeepNetDbContext>();
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<AccountSignIn>();
        services.AddScoped<AccountRegistration>();

        // Keys sign the cookies and bearer tokens; kept beside the database so sign-ins survive a restart.
        services.AddDataProtection().SetApplicationName("DeepNetService");
        services.AddOptions<KeyManagementOptions>()
            .Configure<SqliteStorage, ILoggerFactory>((options, storage, loggers) => options.XmlRepository =
                new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(storage.DataDirectory, "keys")), loggers));

        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "deepnet.auth";
            options.Cookie.SameSite = SameSiteMode.Strict;
            // An API answers 401/403; there is no login page to redirect to (the UI shows its own sign-in form).
            options.Events.OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            };
            options.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.Configure<BearerTokenOptions>(IdentityConstants.BearerScheme, options =>
        {
            // Browsers cannot set headers on WebSocket/SSE requests, so SignalR sends the token as access_token.
            options.Events.OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"] is { Count: > 0 } token)
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            };
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.Configure<HubOptions>(options => options.AddFilter<RequestUserHubFilter>());
        return services;
    }

    /// <summary>Authentication, the security-stamp check, authorization and the caller's view of the database for every request.</summary>
    public static WebApplication UseAccounts(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(ForgetStaleSignInsAsync);
        app.UseAuthorization();
        app.Use((context, next) =>
        {
            context.RequestServices.GetRequiredService<RequestUser>().Set(context.User.UserIdOrNull());
            return next(context);
        });
        return app;
    }

    /// <summary>
    /// Treats a cookie or bearer token whose security stamp is no longer the user's (the password changed since it was
    /// issued, or the account is gone) as no sign-in at all, so the request gets the 401 of an anonymous caller.
    /// Identity's bearer handler never checks the stamp, and its cookie validator only every 30 minutes.
    /// </summary>
    private static async Task ForgetStaleSignInsAsync(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity?.IsAuthenticated == true
            && await context.RequestServices.GetRequiredService<SignInManager<AppUser>>().ValidateSecurityStampAsync(context.User) is null)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity());
        }

        await next(context);
    }
}

/// <summary>Gives each hub invocation the caller's view of the database, as a request gets in <see cref="AccountsServiceExtensions.UseAccounts"/>.</summary>
public sealed class RequestUserHubFilter : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        invocationContext.ServiceProvider.GetRequiredService<RequestUser>().Set(invocationContext.Context.User?.UserIdOrNull());
        return next(invocationContext);
    }
}
