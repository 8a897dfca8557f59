namespace DeepNet.Server.Persistence;

/// <summary>
/// Whose view of the data a scoped <see cref="Persistence.DeepNetDbContext"/> gives. HTTP requests and hub invocations
/// set it to the caller (an anonymous caller sees nothing of anyone's); the job worker's scopes never set it and see all.
/// </summary>
public sealed class RequestUser
{
    /// <summary>True once a request or hub invocation set the caller: queries then return only what the caller may read.</summary>
    public bool IsRestricted { get; private set; }

    /// <summary>The caller's user id; "" when anonymous or unrestricted.</summary>
    public string Id { get; private set; } = "";

    public void Set(string? userId)
    {
        IsRestricted = true;
        Id = userId ?? "";
    }
}

/// <summary>Contexts from the factory seen as a caller sees them.</summary>
public static class CallerViews
{
    /// <summary>
    /// A new context restricted to <paramref name="viewer"/>'s view, or unrestricted when <paramref name="viewer"/> is null
    /// (the worker). Singletons that serve requests and the worker alike take the viewer from the request.
    /// </summary>
    public static async Task<Persistence.DeepNetDbContext> CreateViewAsync(
        this Microsoft.EntityFrameworkCore.IDbContextFactory<Persistence.DeepNetDbContext> contexts,
        RequestUser? viewer,
        CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Viewer = viewer;
        return db;
    }
}
