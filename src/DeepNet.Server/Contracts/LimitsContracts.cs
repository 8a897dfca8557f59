namespace DeepNet.Server.Contracts;

/// <summary>The range and default of one numeric field of <c>POST /api/jobs</c>, as the server checks it.</summary>
/// <param name="Min">Lower bound, or null for none.</param>
/// <param name="Max">Upper bound, or null for none (or a bound that depends on another field, e.g. a stride at most the patch size).</param>
/// <param name="MinExclusive">True: the value must be greater than <paramref name="Min"/>; false: at least it.</param>
/// <param name="MaxExclusive">True: the value must be less than <paramref name="Max"/>; false: at most it.</param>
/// <param name="Default">The value an omitted field takes (JSON), or null when it has none (the field stays unset).</param>
/// <param name="Integer">True: whole numbers only. For a string or an array, the bounds are its length.</param>
public sealed record FieldLimitDto(double? Min, double? Max, bool MinExclusive, bool MaxExclusive, object? Default, bool Integer);

/// <summary>Response of <c>GET /api/limits</c>.</summary>
/// <param name="Fields">
/// By the request's JSON path in camelCase, array items written "[]": "name", "rbm.hiddenUnits", "dbn.layers[].epochs",
/// "cnn.layers[].filters"; the validation errors name the same paths (with the item's index, "dbn.layers[1].epochs").
/// </param>
public sealed record LimitsDto(IReadOnlyDictionary<string, FieldLimitDto> Fields);
