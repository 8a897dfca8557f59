namespace DeepNet.Server.Assignments;

/// <summary>Assignments and their class view (issue 15, points 1 and 2).</summary>
public static class AssignmentsServiceExtensions
{
    public static IServiceCollection AddAssignments(this IServiceCollection services)
    {
        services.AddSingleton<AssignmentTemplates>();
        services.AddScoped<AssignmentAccess>();
        services.AddScoped<AssignmentBook>();
        services.AddScoped<AssignmentSubmissions>();
        services.AddScoped<AssignmentClassView>();
        return services;
    }

    public static IEndpointRouteBuilder MapAssignments(this IEndpointRouteBuilder app) => app.MapAssignmentsApi();
}
