using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// The OpenAPI document (/swagger/v1/swagger.json) and Swagger UI (/swagger), served only where configured:
/// "Swagger": { "Enabled": false } removes both (404). Enabled by default: the course's students read the API there.
/// </summary>
public static class ApiDocument
{
    public const string Section = "Swagger";

    /// <summary>Where Swagger UI and the document live; <see cref="SecurityHeaders"/> gives this path its own policy.</summary>
    public const string UiPath = "/swagger";

    public static IServiceCollection AddApiDocument(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "DeepNetService API",
                Version = "v1",
                Description = "Queue RBM training jobs on MNIST, follow them live (SignalR hub /hubs/training) and download trained models as safetensors.",
            });
            foreach (string assembly in new[] { "DeepNet.Server", "DeepNet.Models", "DeepNet.Data" })
            {
                string xml = Path.Combine(AppContext.BaseDirectory, assembly + ".xml");
                if (File.Exists(xml))
                {
                    options.IncludeXmlComments(xml);
                }
            }
        });
        // Swagger schemas follow the HTTP JSON options (enums as strings, camelCase).
        services.AddTransient<ISerializerDataContractResolver>(sp => new JsonSerializerDataContractResolver(
            sp.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions));
        return services;
    }

    /// <summary>Serves the document and Swagger UI unless "Swagger:Enabled" is false.</summary>
    public static WebApplication UseApiDocument(this WebApplication app)
    {
        if (app.Configuration.GetValue($"{Section}:Enabled", defaultValue: true))
        {
            app.UseSwagger();
            app.UseSwaggerUI(options => options.DocumentTitle = "DeepNetService API");
        }

        return app;
    }
}
