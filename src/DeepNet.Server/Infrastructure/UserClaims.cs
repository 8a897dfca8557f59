using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace DeepNet.Server.Infrastructure;

/// <summary>The signed-in user's id from the claims Identity issues (cookie or bearer token).</summary>
public static class UserClaims
{
    /// <summary>The Identity user id; throws when the principal is not signed in (endpoints require a signed-in user).</summary>
    public static string UserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new InvalidOperationException("The request has no signed-in user; the endpoint must require authorization.");

    /// <summary>The Identity user id of a hub caller.</summary>
    public static string UserId(this HubCallerContext context) =>
        context.User?.UserId() ?? throw new InvalidOperationException("The hub connection has no signed-in user.");

    /// <summary>The Identity user id, or null for an anonymous request.</summary>
    public static string? UserIdOrNull(this ClaimsPrincipal principal) => principal.FindFirstValue(ClaimTypes.NameIdentifier);
}
