namespace DeepNet.Server.Accounts;

/// <summary>The signed-in user, as only they see themselves.</summary>
/// <param name="Id">The Identity user id.</param>
/// <param name="Email">The e-mail address they sign in with (shown to nobody else).</param>
/// <param name="DisplayName">The name everyone else sees.</param>
public sealed record MeDto(string Id, string Email, string DisplayName);

/// <summary>Request body of <c>POST /api/auth/register</c>.</summary>
/// <param name="Email">The e-mail address to sign in with, at most 254 characters.</param>
/// <param name="Password">A password that meets Identity's rules.</param>
/// <param name="DisplayName">The name others see, 1..64 characters; omitted → a generated "student-123456".</param>
public sealed record SignUpRequest(string? Email, string? Password, string? DisplayName);

/// <summary>Request body of <c>POST /api/auth/login</c> (Identity's fields).</summary>
/// <param name="Email">The e-mail address.</param>
/// <param name="Password">The password.</param>
/// <param name="TwoFactorCode">The authenticator code, for an account with two-factor sign-in.</param>
/// <param name="TwoFactorRecoveryCode">A recovery code instead of the authenticator code.</param>
public sealed record SignInRequest(string? Email, string? Password, string? TwoFactorCode, string? TwoFactorRecoveryCode);

/// <summary>Request body of <c>PATCH /api/auth/me</c>; an absent field stays as it is.</summary>
/// <param name="DisplayName">The new display name, 1..64 characters.</param>
public sealed record UpdateMeRequest(string? DisplayName);
