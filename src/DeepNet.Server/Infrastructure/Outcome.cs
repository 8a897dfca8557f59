using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// What a service answers a handler: a value, or the problem to answer with instead — a 400 naming fields
/// (<see cref="Invalid"/>) or another refusal (<see cref="Refused"/>: 404, 403, 413, …), both made by <see cref="Problems"/>.
/// The handler only maps it to its typed results.
/// </summary>
public readonly record struct Outcome<T>
{
    private Outcome(T? value, ValidationProblem? invalid, ProblemHttpResult? refused)
    {
        Value = value;
        Invalid = invalid;
        Refused = refused;
    }

    /// <summary>The answer when there is no problem.</summary>
    public T? Value { get; }

    public ValidationProblem? Invalid { get; }

    public ProblemHttpResult? Refused { get; }

    public static implicit operator Outcome<T>(T value) => new(value, null, null);

    public static implicit operator Outcome<T>(ValidationProblem invalid) => new(default, invalid, null);

    public static implicit operator Outcome<T>(ProblemHttpResult refused) => new(default, null, refused);

    /// <summary>This outcome's problem (it has no value) as the outcome of another step.</summary>
    public Outcome<TOther> Problem<TOther>() =>
        Invalid is { } invalid ? invalid
        : Refused is { } refused ? refused
        : throw new InvalidOperationException("The outcome has a value, not a problem.");

    /// <summary>The value as <paramref name="ok"/> makes it a result, or the problem.</summary>
    public Results<TOk, ValidationProblem, ProblemHttpResult> Map<TOk>(Func<T, TOk> ok)
        where TOk : IResult =>
        Invalid is { } invalid ? invalid : Refused is { } refused ? refused : ok(Value!);
}
