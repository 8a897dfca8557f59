using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeepNet.Server.Tests;

public sealed class LimitsApiTests : IClassFixture<SharedApp>
{
    /// <summary>The published contract: every key the forms may read.</summary>
    public static readonly string[] PublishedKeys =
    [
        "name",
        "rbm.hiddenUnits", "rbm.k", "rbm.learningRate", "rbm.batchSize", "rbm.epochs", "rbm.seed", "rbm.sigma",
        "rbm.persistentChains", "rbm.initialMomentum", "rbm.finalMomentum", "rbm.momentumSwitchEpoch", "rbm.weightDecay",
        "rbm.sparsityTarget", "rbm.sparsityCost", "rbm.sparsityDecay", "rbm.learningRateDecay", "rbm.initialWeightStdDev",
        "data.limit", "data.binarizeThreshold",
        "patches.patchSize", "patches.patchCount", "patches.stride",
        "evaluation.perClassLimit", "evaluation.ais.runs", "evaluation.ais.betas", "evaluation.ais.testLimit",
        "dbn.layers", "dbn.validation", "dbn.testLimit", "dbn.seed",
        "dbn.layers[].hiddenUnits", "dbn.layers[].initStd", "dbn.layers[].epochs", "dbn.layers[].learningRate", "dbn.layers[].k",
        "dbn.layers[].batchSize", "dbn.layers[].momentum", "dbn.layers[].weightDecay",
        "dbn.backprop.learningRate", "dbn.backprop.momentum", "dbn.backprop.weightDecay", "dbn.backprop.batchSize",
        "dbn.backprop.epochs", "dbn.backprop.topLayerOnlyEpochs", "dbn.backprop.dropout", "dbn.backprop.inputDropout",
        "cnn.layers", "cnn.learningRate", "cnn.momentum", "cnn.weightDecay", "cnn.learningRateDecay", "cnn.batchSize", "cnn.epochs",
        "cnn.validation", "cnn.testLimit", "cnn.seed",
        "cnn.augment.rotation", "cnn.augment.scale", "cnn.augment.shift",
        "cnn.layers[].filters", "cnn.layers[].kernel", "cnn.layers[].stride", "cnn.layers[].padding", "cnn.layers[].window",
        "cnn.layers[].units", "cnn.layers[].rate",
    ];

    private readonly SharedApp _app;

    public LimitsApiTests(SharedApp app) => _app = app;

    [Fact]
    public async Task AnonymousCallerGetsEveryFieldWithItsRangeAndDefault()
    {
        using var client = _app.App.CreateAnonymousClient();
        using var response = await client.GetAsync("/api/limits");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Headers.CacheControl);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var fields = document.RootElement.GetProperty("fields");
        Assert.Equal(PublishedKeys.Order(StringComparer.Ordinal), fields.EnumerateObject().Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var field in fields.EnumerateObject())
        {
            Assert.Equal(["min", "max", "minExclusive", "maxExclusive", "default", "integer"], field.Value.EnumerateObject().Select(p => p.Name));
        }

        AssertField(fields, "rbm.learningRate", "0", "10", minExclusive: true, maxExclusive: false, "0.1", integer: false);
        AssertField(fields, "rbm.hiddenUnits", "1", "4096", minExclusive: false, maxExclusive: false, "49", integer: true);
        AssertField(fields, "rbm.sparsityTarget", "0", "1", minExclusive: true, maxExclusive: true, "null", integer: false);
        AssertField(fields, "name", "1", "200", minExclusive: false, maxExclusive: false, "\"RBM job\"", integer: true);
        AssertField(fields, "data.limit", "1", "60000", minExclusive: false, maxExclusive: false, "null", integer: true);
        AssertField(fields, "patches.stride", "1", "null", minExclusive: false, maxExclusive: false, "2", integer: true);
        AssertField(fields, "evaluation.ais.betas", "100", "100000", minExclusive: false, maxExclusive: false, "10000", integer: true);
        AssertField(fields, "dbn.layers[].hiddenUnits", "1", "4096", minExclusive: false, maxExclusive: false, "100", integer: true);
        AssertField(fields, "dbn.layers[].batchSize", "1", "10000", minExclusive: false, maxExclusive: false, "100", integer: true);
        AssertField(fields, "dbn.backprop.dropout", "0", "0.9", minExclusive: false, maxExclusive: true, "0", integer: false);
        AssertField(fields, "dbn.backprop.momentum", "0", "1", minExclusive: false, maxExclusive: true, "0.9", integer: false);
        AssertField(fields, "cnn.learningRate", "0", "10", minExclusive: true, maxExclusive: false, "0.001", integer: false);
        AssertField(fields, "cnn.epochs", "1", "200", minExclusive: false, maxExclusive: false, "3", integer: true);
        AssertField(fields, "cnn.layers[].rate", "0", "0.9", minExclusive: false, maxExclusive: false, "0.5", integer: false);
        Assert.Equal(2, fields.GetProperty("dbn.layers").GetProperty("default").GetArrayLength());
    }

    [Fact]
    public async Task EveryDefaultLiesInItsOwnRange()
    {
        var fields = await GetFieldsAsync();
        foreach (var (key, limit) in fields)
        {
            if (limit.Default is { ValueKind: JsonValueKind.Number } value)
            {
                Assert.True(limit.Allows(value.GetDouble()), $"{key}: default {value} is outside its range");
            }
        }
    }

    [Fact]
    public async Task EveryPublishedBoundIsTheOneTheValidatorEnforces()
    {
        var fields = await GetFieldsAsync();
        var failures = new List<string>();
        foreach (var (key, limit) in fields)
        {
            foreach (bool max in new[] { true, false }.Where(max => (max ? limit.Max : limit.Min) is not null))
            {
                string bound = max ? "max" : "min";
                double outside = Outside(limit, max);
                var rejected = await ErrorsAsync(key, outside, poison: false);
                if (!rejected.Named(key))
                {
                    failures.Add($"{key} = {outside} (past the {bound}) was not refused under its key; errors: {rejected}");
                }

                // A valid value: refused for another field (so nothing is queued), never for this one.
                double inside = Inside(limit, max);
                var accepted = await ErrorsAsync(key, inside, poison: true);
                if (accepted.Named(key))
                {
                    failures.Add($"{key} = {inside} (at the {bound}) was refused: {accepted}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task ADbnLayerErrorReadsLikeTheRbmOne()
    {
        var rbm = await PostAsync("""{"rbm":{"k":0,"learningRate":11,"weightDecay":-1}}""");
        var dbn = await PostAsync("""{"kind":"dbn","dbn":{"layers":[{"hiddenUnits":10},{"hiddenUnits":10,"k":0,"learningRate":11,"weightDecay":-1}]}}""");

        foreach (string field in new[] { "k", "learningRate", "weightDecay" })
        {
            Assert.Equal(rbm[$"rbm.{field}"], dbn[$"dbn.layers[1].{field}"]);
        }

        Assert.Equal("must be between 1 and 100, got 0", Assert.Single(dbn["dbn.layers[1].k"]));
        Assert.Equal("must be greater than 0 and at most 10, got 11", Assert.Single(dbn["dbn.layers[1].learningRate"]));
    }

    [Fact]
    public async Task TheSameETagAnswersNotModified()
    {
        using var client = _app.App.CreateAnonymousClient();
        using var first = await client.GetAsync("/api/limits");
        var etag = first.Headers.ETag!;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/limits");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag);
    }

    [Fact]
    public async Task TheSwaggerDocumentDescribesLimits()
    {
        using var document = JsonDocument.Parse(await _app.Client.GetStringAsync("/swagger/v1/swagger.json"));
        var operation = document.RootElement.GetProperty("paths").GetProperty("/api/limits").GetProperty("get");
        Assert.Equal("GetLimits", operation.GetProperty("operationId").GetString());
        Assert.True(operation.TryGetProperty("summary", out _));
        Assert.True(document.RootElement.GetProperty("components").GetProperty("schemas").TryGetProperty("FieldLimitDto", out _));
    }

    private static void AssertField(JsonElement fields, string key, string min, string max, bool minExclusive, bool maxExclusive, string @default, bool integer)
    {
        var field = fields.GetProperty(key);
        Assert.Equal(min, field.GetProperty("min").GetRawText());
        Assert.Equal(max, field.GetProperty("max").GetRawText());
        Assert.Equal(minExclusive, field.GetProperty("minExclusive").GetBoolean());
        Assert.Equal(maxExclusive, field.GetProperty("maxExclusive").GetBoolean());
        Assert.Equal(@default, field.GetProperty("default").GetRawText());
        Assert.Equal(integer, field.GetProperty("integer").GetBoolean());
    }

    /// <summary>Just past a bound: the next whole number, the bound itself when it is excluded, else a thousandth past it.</summary>
    private static double Outside(Limit limit, bool max)
    {
        double bound = (max ? limit.Max : limit.Min)!.Value;
        double step = limit.Integer ? 1 : 0.001;
        return (max ? limit.MaxExclusive : limit.MinExclusive) ? bound : max ? bound + step : bound - step;
    }

    /// <summary>At a bound, or a thousandth inside it when it is excluded.</summary>
    private static double Inside(Limit limit, bool max)
    {
        double bound = (max ? limit.Max : limit.Min)!.Value;
        return (max ? limit.MaxExclusive : limit.MinExclusive) ? (max ? bound - 0.001 : bound + 0.001) : bound;
    }

    private async Task<Dictionary<string, Limit>> GetFieldsAsync()
    {
        using var document = JsonDocument.Parse(await _app.Client.GetStringAsync("/api/limits"));
        return document.RootElement.GetProperty("fields").EnumerateObject().ToDictionary(
            f => f.Name,
            f => new Limit(
                f.Value.GetProperty("min").ValueKind == JsonValueKind.Null ? null : f.Value.GetProperty("min").GetDouble(),
                f.Value.GetProperty("max").ValueKind == JsonValueKind.Null ? null : f.Value.GetProperty("max").GetDouble(),
                f.Value.GetProperty("minExclusive").GetBoolean(),
                f.Value.GetProperty("maxExclusive").GetBoolean(),
                f.Value.GetProperty("default").Clone(),
                f.Value.GetProperty("integer").GetBoolean()));
    }

    /// <summary>
    /// POSTs a job of the kind <paramref name="key"/> belongs to, with that field set to <paramref name="value"/>; a poisoned
    /// request also has an invalid name (or limit, to test the name) so it is never queued.
    /// </summary>
    private async Task<Errors> ErrorsAsync(string key, double value, bool poison)
    {
        var body = new JsonObject();
        string root = key.Split('.')[0];
        if (root is "dbn" or "cnn")
        {
            body["kind"] = root;
        }
        else if (root == "patches")
        {
            body["kind"] = "rbm-patches";
        }

        JsonNode number = JsonValue.Create(value)!;
        if (key == "name")
        {
            body["name"] = new string('x', (int)value);
        }
        else if (key is "dbn.layers" or "cnn.layers")
        {
            JsonObject Item() => root == "dbn" ? new JsonObject { ["hiddenUnits"] = 10 } : new JsonObject { ["type"] = "relu" };
            body[root] = new JsonObject { ["layers"] = new JsonArray([.. Enumerable.Range(0, (int)value).Select(_ => Item())]) };
        }
        else if (key.StartsWith("cnn.layers[].", StringComparison.Ordinal))
        {
            string field = key["cnn.layers[].".Length..];
            var layer = field switch
            {
                "window" => new JsonObject { ["type"] = "maxPool" },
                "units" => new JsonObject { ["type"] = "dense" },
                "rate" => new JsonObject { ["type"] = "dropout" },
                _ => new JsonObject { ["type"] = "conv", ["filters"] = 4, ["kernel"] = 3 },
            };
            layer[field] = number;
            // Not the last layer, which must have one unit per class.
            body["cnn"] = new JsonObject { ["layers"] = new JsonArray(layer, new JsonObject { ["type"] = "relu" }) };
        }
        else
        {
            // "a.b[].c" → {"a":{"b":[{"c":value}]}}
            JsonObject parent = body;
            string[] parts = key.Split('.');
            foreach (string part in parts[..^1])
            {
                if (part.EndsWith("[]", StringComparison.Ordinal))
                {
                    var item = new JsonObject();
                    parent[part[..^2]] = new JsonArray(item);
                    parent = item;
                }
                else
                {
                    parent = (JsonObject)(parent[part] ??= new JsonObject());
                }
            }

            parent[parts[^1]] = number;
        }

        if (poison)
        {
            if (key == "name")
            {
                body["data"] = new JsonObject { ["split"] = "nowhere" };
            }
            else
            {
                body["name"] = " ";
            }
        }

        var errors = await PostAsync(body.ToJsonString());
        return new Errors(errors, key.StartsWith("cnn.layers[].", StringComparison.Ordinal) ? key["cnn.layers[].".Length..] : null);
    }

    private async Task<Dictionary<string, string[]>> PostAsync(string body)
    {
        using var response = await _app.Client.PostAsync("/api/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)response.StatusCode} {text}");
        using var problem = JsonDocument.Parse(text);
        return problem.RootElement.GetProperty("errors").EnumerateObject()
            .ToDictionary(e => e.Name, e => e.Value.EnumerateArray().Select(m => m.GetString()!).ToArray());
    }

    private sealed record Limit(double? Min, double? Max, bool MinExclusive, bool MaxExclusive, JsonElement Default, bool Integer)
    {
        public bool Allows(double value) =>
            (Min is not { } min || (MinExclusive ? value > min : value >= min)) && (Max is not { } max || (MaxExclusive ? value < max : value <= max));
    }

    /// <summary>The errors of a refused request; a CNN layer's field errors are keyed by the layer ("cnn.layers[0]") and name the field.</summary>
    private sealed record Errors(Dictionary<string, string[]> All, string? CnnLayerField)
    {
        public bool Named(string key) => CnnLayerField is { } field
            ? All.TryGetValue("cnn.layers[0]", out var messages) && messages.Any(m => m.Contains($": {field} ", StringComparison.Ordinal))
            : All.ContainsKey(key.Replace("[]", "[0]", StringComparison.Ordinal));

        public override string ToString() => string.Join("; ", All.Select(e => $"{e.Key}: {string.Join(" | ", e.Value)}"));
    }
}
