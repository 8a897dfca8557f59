namespace DeepNet.Server.Compare;

/// <summary>Compare runs (issue 15, point 3): read-only views over jobs the caller may read.</summary>
public static class CompareServiceExtensions
{
    public static IServiceCollection AddCompare(this IServiceCollection services) => services.AddScoped<RunComparison>();

    public static IEndpointRouteBuilder MapCompare(this IEndpointRouteBuilder app) => app.MapCompareApi();
}
