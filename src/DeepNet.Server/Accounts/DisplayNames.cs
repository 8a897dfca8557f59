using System.Security.Cryptography;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Accounts;

/// <summary>The name a user shows everyone else instead of their e-mail address.</summary>
public static class DisplayNames
{
    public const string Field = "displayName";

    /// <summary>A name for someone who chose none: "student-" and six random digits (nothing of the address).</summary>
    public static string Generate() => $"student-{RandomNumberGenerator.GetInt32(0, 1_000_000):D6}";

    /// <summary>Why <paramref name="name"/> (trimmed) cannot be a display name, or null.</summary>
    public static string? Problem(string name) =>
        UserText.NameProblem(name, AppUser.DisplayNameMaxLength)
        // A display name that is an address would put one on every card, the very thing it replaces.
        ?? (name.Contains('@', StringComparison.Ordinal) ? "must not be an e-mail address (no '@')." : null);
}
