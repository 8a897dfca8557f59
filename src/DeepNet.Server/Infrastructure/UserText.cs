using System.Globalization;
using System.Text;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// The one check of a name a user chooses and others may see — a display name, a job, model, class, data set, image or
/// experiment name: not blank, not too long, and free of characters that change how text around it reads.
/// </summary>
public static class UserText
{
    // Emoji sequences (👩‍💻) need the zero-width joiner; it cannot reorder or hide text, unlike the other format characters.
    private const char ZeroWidthJoiner = '\u200D';

    /// <summary>
    /// Why <paramref name="name"/> is refused ("must not be blank.", "must be at most 200 characters.", "must not
    /// contain control characters or text-direction overrides (U+202E at 5)."), or null when it is fine.
    /// </summary>
    public static string? NameProblem(string name, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name))
        {
            return "must not be blank.";
        }

        if (name.Length > maxLength)
        {
            return $"must be at most {maxLength} characters.";
        }

        return HiddenCharacter(name) is { } found
            ? $"must not contain control characters or text-direction overrides (U+{found.CodePoint:X4} at {found.Index})."
            : null;
    }

    /// <summary>
    /// The first control (Cc), format (Cf: direction overrides and isolates U+202A–202E, U+2066–2069, marks U+200E/200F,
    /// zero-width spaces, …), line or paragraph separator, or unpaired surrogate, with its index; null when there is none.
    /// </summary>
    public static (int CodePoint, int Index)? HiddenCharacter(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out int used) != System.Buffers.OperationStatus.Done)
            {
                return (text[index], index);
            }

            if (rune.Value != ZeroWidthJoiner && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return (rune.Value, index);
            }

            index += used;
        }

        return null;
    }
}
