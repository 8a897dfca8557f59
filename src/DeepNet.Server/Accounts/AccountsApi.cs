using DeepNet.Server.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using DeepNet.Server.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Accounts;

public static class AccountsApi
{
    /// <summary>
    /// Identity's endpoints under /api/auth (register, login — a bearer token, or a cookie with ?useCookies=true —,
    /// refresh, manage/info, …) plus who am I and sign-out of the cookie.
    /// </summary>
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Accounts");
        // Signing up and in needs no account; Identity's /manage endpoints keep their own RequireAuthorization.
        api.MapIdentityApi<AppUser>().Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route } && !route.Contains("/manage", StringComparison.Ordinal))
            {
                endpoint.Metadata.Add(new AllowAnonymousAttribute());
                endpoint.Metadata.Add(new EnableRateLimitingAttribute(RateLimits.Auth));
            }
        });

        api.MapGet("/me", Me)
            .WithName("Me")
            .WithSummary("The signed-in user")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapPost("/logout", Logout)
            .WithName("Logout")
            .WithSummary("Sign out of the browser's cookie session")
            .AllowAnonymous();

        app.MapStorageApi();
        return app;
    }

    /// <summary>The signed-in user's id and e-mail address.</summary>
    public static async Task<Results<Ok<MeDto>, UnauthorizedHttpResult>> Me(HttpContext context, UserManager<AppUser> users) =>
        await users.GetUserAsync(context.User) is { } user
            ? TypedResults.Ok(new MeDto(user.Id, user.Email ?? user.UserName ?? ""))
            : TypedResults.Unauthorized();

    /// <summary>Ends the cookie session (bearer tokens simply expire).</summary>
    public static async Task<NoContent> Logout(SignInManager<AppUser> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }
}
