using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// Turns request-reading failures (malformed JSON, a value of the wrong type, an oversized body) into
/// ProblemDetails that say what was wrong and, when the JSON path is known, which field.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var problem = new ProblemDetails { Status = badRequest.StatusCode };
        if (badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            problem.Title = "Request body too large";
            problem.Detail = badRequest.Message;
        }
        else if (FindJsonException(badRequest) is { } json)
        {
            string field = FieldName(json.Path);
            problem.Title = "Malformed JSON request body";
            problem.Detail = field.Length > 0
                ? $"The request body is not valid JSON for this endpoint: field '{field}' has a value of the wrong type or format. {FirstSentence(json.Message)}"
                : $"The request body is not valid JSON. {FirstSentence(json.Message)}";
            if (field.Length > 0)
            {
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = ["has a value of the wrong type or format"] };
            }
        }
        else
        {
            problem.Title = "Bad request";
            problem.Detail = badRequest.Message;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static JsonException? FindJsonException(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    /// <summary>"$.rbm.epochs" → "rbm.epochs"; "$.data.classes[2]" → "data.classes".</summary>
    private static string FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "";
        }

        string field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        int bracket = field.IndexOf('[', StringComparison.Ordinal);
        return bracket >= 0 ? field[..bracket] : field;
    }

    // System.Text.Json appends "Path: … | LineNumber: … | BytePositionInLine: …"; the path is already named.
    private static string FirstSentence(string message)
    {
        int path = message.IndexOf(" Path:", StringComparison.Ordinal);
        return path > 0 ? message[..path] : message;
    }
}
