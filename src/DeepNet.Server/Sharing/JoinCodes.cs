using System.Buffers.Text;
using System.Security.Cryptography;

namespace DeepNet.Server.Sharing;

/// <summary>Join codes of classes and tokens of unlisted links.</summary>
public static class JoinCodes
{
    /// <summary>A-Z and 2-9 without the look-alikes I, L, O (0 and 1 are not in the range).</summary>
    public const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public const int Length = 8;

    /// <summary>Random bytes of a share token: 32 bytes, 43 base64url characters.</summary>
    public const int ShareTokenBytes = 32;

    /// <summary>A new random join code of <see cref="Length"/> characters from <see cref="Alphabet"/>.</summary>
    public static string NewCode() => new(RandomNumberGenerator.GetItems<char>(Alphabet, Length));

    /// <summary>
    /// The code as it is stored: trimmed and upper-case, or null when it cannot be a join code (wrong length or a
    /// character outside the alphabet), so lookups never reach the database with arbitrary input.
    /// </summary>
    public static string? Normalize(string? code)
    {
        string normalized = (code ?? "").Trim().ToUpperInvariant();
        return normalized.Length == Length && normalized.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? normalized : null;
    }

    /// <summary>An unguessable token for an unlisted link.</summary>
    public static string NewShareToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(ShareTokenBytes));
}
