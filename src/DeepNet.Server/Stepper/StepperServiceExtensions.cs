namespace DeepNet.Server.Stepper;

/// <summary>The update rule made visible (issue 15, point 4): stateless, nothing stored.</summary>
public static class StepperServiceExtensions
{
    public static IEndpointRouteBuilder MapStepper(this IEndpointRouteBuilder app) => app.MapStepperApi();
}
