using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Identity;

namespace DeepNet.Server.Accounts;

/// <summary>
/// Signs in with e-mail and password (a bearer token, or Identity's cookie) so that the answer tells nothing about the
/// account: a wrong password, an unknown address, a locked account and a paused address all get the same 401, and each
/// costs one password hash. Failures pause one address for one account (<see cref="SignInThrottle"/>), never the account
/// as a whole, so guessing from elsewhere cannot keep the owner out.
/// </summary>
public sealed class AccountSignIn(SignInManager<AppUser> signIn, IPasswordHasher<AppUser> hasher, SignInThrottle throttle)
{
    private static string? s_dummyHash;

    /// <summary>
    /// Signs in; on success the scheme has written the answer (the token JSON, or the cookie), so the value is only "done".
    /// </summary>
    /// <param name="address">The caller's <see cref="ClientAddress"/>.</param>
    /// <param name="useCookies">Identity's cookie instead of a bearer token.</param>
    /// <param name="persistent">A cookie that outlives the browser session.</param>
    public async Task<Outcome<bool>> SignInAsync(SignInRequest? request, string address, bool useCookies, bool persistent)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string email = request?.Email?.Trim() ?? "";
        AccountFields.Check(email, request?.Password, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "Invalid sign-in");
        }

        string password = request!.Password!;
        var users = signIn.UserManager;
        string account = users.NormalizeEmail(email);
        var user = await users.FindByEmailAsync(email);
        if (user is null || throttle.IsPaused(address, account) || await users.IsLockedOutAsync(user))
        {
            // Hash anyway: a refusal without one would answer measurably sooner than a wrong password does.
            hasher.VerifyHashedPassword(new AppUser(), s_dummyHash ??= hasher.HashPassword(new AppUser(), Guid.NewGuid().ToString()), password);
            if (!throttle.IsPaused(address, account))
            {
                throttle.RecordFailure(address, account);
            }

            return Failed();
        }

        signIn.AuthenticationScheme = useCookies ? IdentityConstants.ApplicationScheme : IdentityConstants.BearerScheme;
        var result = await signIn.PasswordSignInAsync(user, password, persistent, lockoutOnFailure: false);
        if (result.RequiresTwoFactor)
        {
            result = !string.IsNullOrEmpty(request.TwoFactorCode)
                ? await signIn.TwoFactorAuthenticatorSignInAsync(request.TwoFactorCode, persistent, rememberClient: persistent)
                : !string.IsNullOrEmpty(request.TwoFactorRecoveryCode)
                    ? await signIn.TwoFactorRecoveryCodeSignInAsync(request.TwoFactorRecoveryCode)
                    : result;
        }

        if (result.Succeeded)
        {
            throttle.RecordSuccess(address, account);
            return true;
        }

        throttle.RecordFailure(address, account);
        // Only someone who knows the password learns that a second factor is missing.
        return result.RequiresTwoFactor
            ? Problems.Unauthorized("Two-factor code required", "Send twoFactorCode (or twoFactorRecoveryCode) with the e-mail and password.")
            : Failed();
    }

    /// <summary>The one answer to every failed sign-in.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Failed() => Problems.Unauthorized(
        "Sign-in failed",
        $"The e-mail address or the password is wrong. After {SignInThrottle.MaxFailures} failed attempts from one address, " +
        $"signing in to that account from there pauses for {SignInThrottle.Pause.TotalMinutes:0} minutes.");
}
