using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using Microsoft.AspNetCore.Http.HttpResults;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Demos;

public static class DemosApi
{
    public static IEndpointRouteBuilder MapDemosApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/demos").WithTags("Demos");

        api.MapPost("/feature-maps", RenderFeatureMaps)
            .WithName("RenderFeatureMaps")
            .WithSummary("Convolve an image with every filter of a model and draw the feature maps")
            .WithDescription(
                "The image ('builtin:<name>' or an upload id; default builtin:chelsea) is converted to grayscale, resized to size×size " +
                "(16..512, default 175) and presented as the model saw its training data (through the model's patch standardizer when it has one; " +
                "Gaussian models without one see the image standardized; Bernoulli models its intensities in [0,1]). Every filter (a weight row " +
                "reshaped to a square tile) is correlated with it (valid, stride 1), giving maps of (size − tile + 1)² pixels, drawn as a grid, " +
                "each normalized to its own range. 10×10 filters on a 175×175 image give the lecture's 166×166 maps. " +
                "The Gibbs sampling demo streams from the SignalR hub /hubs/demos (method Gibbs).")
            .Accepts<FeatureMapsRequest>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>The feature maps of an image under a model's filters, as one PNG grid.</summary>
    /// <param name="request">modelId (required), image and size.</param>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> RenderFeatureMaps(
        FeatureMapsRequest? request,
        FeatureMaps featureMaps,
        RequestUser viewer,
        CancellationToken cancellationToken)
    {
        var outcome = await featureMaps.RenderAsync(request ?? new FeatureMapsRequest(), viewer, cancellationToken);
        if (outcome.Png is { } png)
        {
            return TypedResults.File(png, "image/png");
        }

        if (outcome.Field is { } field)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [field] = [outcome.Message!] },
                detail: $"{field}: {outcome.Message}",
                title: outcome.Title);
        }

        return TypedResults.Problem(statusCode: outcome.StatusCode, title: outcome.Title, detail: outcome.Message);
    }
}
