namespace DeepNet.Server.Infrastructure;

/// <summary>How every endpoint speaks: one JSON shape for HTTP and SignalR, ProblemDetails for every error.</summary>
public static class ApiConventionsServiceExtensions
{
    public static IServiceCollection AddApiConventions(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options => JsonDefaults.Apply(options.SerializerOptions));
        services.AddSignalR().AddJsonProtocol(options => JsonDefaults.Apply(options.PayloadSerializerOptions));

        // Binding failures throw BadHttpRequestException (with the JSON error inside) for the handler below to describe.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }
}
