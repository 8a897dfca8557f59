using DeepNet.Server.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Accounts;

public static class AccountsApi
{
    /// <summary>
    /// Sign-up and sign-in (a bearer token, or a cookie with ?useCookies=true) that answer alike for known and unknown
    /// addresses; Identity's other endpoints under /api/auth (refresh, manage/info, …); who am I, the display name, and
    /// sign-out of the cookie.
    /// </summary>
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Accounts");
        // Signing up and in needs no account; Identity's /manage endpoints keep their own RequireAuthorization.
        new IdentityEndpointsExcept(api, "/register", "/login").MapIdentityApi<AppUser>().Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route } && !route.Contains("/manage", StringComparison.Ordinal))
            {
                endpoint.Metadata.Add(new AllowAnonymousAttribute());
                endpoint.Metadata.Add(new EnableRateLimitingAttribute(RateLimits.Auth));
            }
        });

        api.MapPost("/register", Register)
            .WithName("Register")
            .WithSummary("Create an account; a taken address gets the same answer and changes nothing")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.Auth);

        api.MapPost("/login", Login)
            .WithName("Login")
            .WithSummary("Sign in: a bearer token (JSON), or Identity's cookie with ?useCookies=true")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.Auth);

        api.MapGet("/me", Me)
            .WithName("Me")
            .WithSummary("The signed-in user")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapPatch("/me", UpdateMe)
            .WithName("UpdateMe")
            .WithSummary("Change the display name others see");

        api.MapPost("/logout", Logout)
            .WithName("Logout")
            .WithSummary("Sign out of the browser's cookie session")
            .AllowAnonymous();

        app.MapStorageApi();
        return app;
    }

    /// <summary>200 with no body for a new and a taken address alike; 400 naming the field otherwise.</summary>
    public static async Task<Results<Ok, ValidationProblem, ProblemHttpResult>> Register(SignUpRequest? request, AccountRegistration registration) =>
        (await registration.RegisterAsync(request)).Map(_ => TypedResults.Ok());

    /// <summary>The token JSON (or the cookie) on success; one and the same 401 for every failure.</summary>
    public static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> Login(
        SignInRequest? request, [FromQuery] bool? useCookies, [FromQuery] bool? useSessionCookies, HttpContext context, AccountSignIn signIn)
    {
        bool cookie = useCookies == true || useSessionCookies == true;
        var outcome = await signIn.SignInAsync(request, ClientAddress.Of(context), cookie, persistent: useCookies == true && useSessionCookies != true);
        return outcome.Map(_ => TypedResults.Empty);
    }

    /// <summary>The signed-in user's id, e-mail address and display name.</summary>
    public static async Task<Results<Ok<MeDto>, UnauthorizedHttpResult>> Me(HttpContext context, UserManager<AppUser> users) =>
        await users.GetUserAsync(context.User) is { } user
            ? TypedResults.Ok(Describe(user))
            : TypedResults.Unauthorized();

    /// <summary>Sets the display name (400 naming "displayName" when refused).</summary>
    public static async Task<Results<Ok<MeDto>, ValidationProblem, ProblemHttpResult>> UpdateMe(UpdateMeRequest? request, HttpContext context, UserManager<AppUser> users)
    {
        if (await users.GetUserAsync(context.User) is not { } user)
        {
            return Problems.Unauthorized("Not signed in", "Sign in again.");
        }

        if (request?.DisplayName?.Trim() is { } name)
        {
            if (DisplayNames.Problem(name) is { } problem)
            {
                return Problems.Invalid(DisplayNames.Field, problem, "Invalid display name");
            }

            user.DisplayName = name;
            await users.UpdateAsync(user);
        }

        return TypedResults.Ok(Describe(user));
    }

    /// <summary>Ends the cookie session (bearer tokens simply expire, or end with a password change).</summary>
    public static async Task<NoContent> Logout(SignInManager<AppUser> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    private static MeDto Describe(AppUser user) => new(user.Id, user.Email ?? user.UserName ?? "", user.DisplayName);
}
