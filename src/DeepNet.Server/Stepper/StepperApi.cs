using DeepNet.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DeepNet.Server.Stepper;

/// <summary>The update rule step by step: one CD-1 update of a tiny RBM and one convolution, with every intermediate number.</summary>
public static class StepperApi
{
    /// <summary>Both bodies are a few small arrays; 64 KB is plenty.</summary>
    public const long MaxRequestBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapStepperApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/stepper").WithTags("Stepper");

        api.MapPost("/rbm", StepRbm)
            .WithName("StepRbmUpdate")
            .WithSummary("One CD-1 update of a tiny RBM, step by step, with the trainer's numbers")
            .WithDescription(
                "visible: the sample x1 (1..64 values in [0, 1]); hidden 1..16 (default 3); learningRate ε in (0, 10] (default 0.1); " +
                "seed (default 1); initialWeightStdDev in (0, 1] (default 0.1). The RBM starts as a training job with these options starts " +
                "(W from the seed's first H·V Gaussians, b = c = 0); the answer gives Q(h1=1|x1), the uniforms and the sampled h1, " +
                "P(x2=1|h1), the uniforms and the sampled x2, Q(h2=1|x2), ΔW, Δb, Δc, and the parameters after the trainer's own update.")
            .Accepts<RbmStepRequest>("application/json")
            .Produces<RbmStepResponse>()
            .ProducesValidationProblem()
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes));

        api.MapPost("/convolution", StepConvolution)
            .WithName("StepConvolution")
            .WithSummary("One valid convolution A_ij = Σ_kl W_kl·X_{i+k,j+l}, with each output cell's products")
            .WithDescription("input: 1..16 rows of 1..16 finite numbers; kernel: 1..8 rows of 1..8 finite numbers, at most the input's size. " +
                "No padding, stride 1: the output is (rows − kh + 1) × (cols − kw + 1).")
            .Accepts<ConvolutionStepRequest>("application/json")
            .Produces<ConvolutionStepResponse>()
            .ProducesValidationProblem()
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes));

        return app;
    }

    /// <summary>One CD-1 update of a tiny Bernoulli RBM on one sample, every intermediate number included.</summary>
    public static Results<Ok<RbmStepResponse>, ValidationProblem> StepRbm(RbmStepRequest? request)
    {
        var step = RbmUpdateStepper.Step(request);
        return step.Invalid is { } invalid ? invalid : TypedResults.Ok(step.Value!);
    }

    /// <summary>One valid convolution with each output cell's products.</summary>
    public static Results<Ok<ConvolutionStepResponse>, ValidationProblem> StepConvolution(ConvolutionStepRequest? request)
    {
        var step = ConvolutionStepper.Step(request);
        return step.Invalid is { } invalid ? invalid : TypedResults.Ok(step.Value!);
    }
}
