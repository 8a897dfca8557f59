using System.Globalization;

namespace DeepNet.Numerics;

/// <summary>
/// The allowed range of one numeric request field, declared once: validators check values and word their errors with it,
/// and the server publishes it (GET /api/limits) for the forms. A null bound is open. Real-valued fields are compared
/// as float32, the type they are stored in, so a bound like 0.9 means the float 0.9f.
/// </summary>
public sealed record FieldLimit(double? Min, double? Max, bool MinExclusive = false, bool MaxExclusive = false, bool Integer = true)
{
    /// <summary>Whole numbers from <paramref name="min"/> to <paramref name="max"/> (open above when null), both included.</summary>
    public static FieldLimit Integers(long min, long? max = null) => new(min, max);

    /// <summary>Finite reals between <paramref name="min"/> and <paramref name="max"/>, each bound included unless said otherwise.</summary>
    public static FieldLimit Reals(double min, double max, bool minExclusive = false, bool maxExclusive = false) =>
        new(min, max, minExclusive, maxExclusive, Integer: false);

    public bool Contains(double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        return Integer
            ? Compare(value, Min, Max)
            : Compare((float)value, (float?)Min, (float?)Max);
    }

    /// <summary>"between 1 and 4096", "greater than 0 and at most 10", "at least 0".</summary>
    public string Describe()
    {
        string? low = Min is { } min ? (MinExclusive ? "greater than " : "at least ") + Format(min) : null;
        string? high = Max is { } max ? (MaxExclusive ? "less than " : "at most ") + Format(max) : null;
        return (low, high) switch
        {
            (not null, not null) when !MinExclusive && !MaxExclusive => $"between {Format(Min!.Value)} and {Format(Max!.Value)}",
            (not null, not null) => $"{low} and {high}",
            _ => low ?? high ?? "any number",
        };
    }

    /// <summary>The error for <paramref name="value"/>: "must be between 1 and 4096, got 0"; <paramref name="note"/> follows the range.</summary>
    public string Message(double value, string? note = null) =>
        $"must be {Describe()}{(note is null ? "" : " " + note)}, got {Format(value)}";

    /// <summary>A number as the errors and the published limits write it: a real field's value as its float32 (0.1, not 0.100000001).</summary>
    public string Format(double value) =>
        Integer ? value.ToString(CultureInfo.InvariantCulture) : ((float)value).ToString(CultureInfo.InvariantCulture);

    /// <summary>A bound or value rounded as <see cref="Format"/> writes it.</summary>
    public double Round(double value) => Integer ? value : double.Parse(Format(value), CultureInfo.InvariantCulture);

    private bool Compare<T>(T value, T? min, T? max)
        where T : struct, IComparable<T> =>
        (min is not { } lo || (MinExclusive ? value.CompareTo(lo) > 0 : value.CompareTo(lo) >= 0))
        && (max is not { } hi || (MaxExclusive ? value.CompareTo(hi) < 0 : value.CompareTo(hi) <= 0));
}

/// <summary>
/// A <see cref="FieldLimit"/> bound to the field of <typeparamref name="T"/> it limits. <see cref="Value"/> reads the field
/// (null: absent, nothing to check); the published default is <see cref="Default"/> when given, else the field of a
/// default-constructed <typeparamref name="T"/>, so the record's initializer stays the one source of a default.
/// </summary>
/// <param name="Field">The camelCase JSON name, e.g. "hiddenUnits".</param>
/// <param name="Note">Words after the range in the error, e.g. "(or null for none)".</param>
public sealed record FieldRule<T>(string Field, FieldLimit Limit, Func<T, double?> Value, string? Note = null, double? Default = null)
{
    /// <summary>Adds an error keyed "<paramref name="prefix"/>.field" (or "field" without a prefix) when the field is present and out of range; returns whether it is in range.</summary>
    public bool Check(T item, string prefix, Action<string, string> add)
    {
        ArgumentNullException.ThrowIfNull(add);
        if (Value(item) is not { } value || Limit.Contains(value))
        {
            return true;
        }

        add(prefix.Length == 0 ? Field : $"{prefix}.{Field}", Message(value));
        return false;
    }

    public string Message(double value) => Limit.Message(value, Note);
}

/// <summary>Checks of a list of <see cref="FieldRule{T}"/>.</summary>
public static class FieldRules
{
    /// <summary>Checks every rule; errors are keyed "<paramref name="prefix"/>.field".</summary>
    public static void Check<T>(this IEnumerable<FieldRule<T>> rules, T item, string prefix, Action<string, string> add)
    {
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var rule in rules)
        {
            rule.Check(item, prefix, add);
        }
    }
}
