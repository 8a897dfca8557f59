namespace DeepNet.Server.Accounts;

/// <summary>
/// An endpoint builder that passes on what is mapped into it except the routes this feature answers itself, so
/// Identity's <c>MapIdentityApi</c> keeps refresh, the e-mail flows and /manage while sign-up and sign-in are ours.
/// </summary>
internal sealed class IdentityEndpointsExcept(IEndpointRouteBuilder inner, params string[] replacedRoutes) : IEndpointRouteBuilder
{
    public IServiceProvider ServiceProvider => inner.ServiceProvider;

    public ICollection<EndpointDataSource> DataSources { get; } = new Wrapping(inner.DataSources, replacedRoutes);

    public IApplicationBuilder CreateApplicationBuilder() => inner.CreateApplicationBuilder();

    private static bool Keeps(Endpoint endpoint, string[] replacedRoutes) =>
        endpoint is not RouteEndpoint { RoutePattern.RawText: { } route }
        || !replacedRoutes.Any(r => route.TrimEnd('/').EndsWith(r, StringComparison.OrdinalIgnoreCase));

    // Only adding is used (MapGroup adds its group's source); what was added is listed as added.
    private sealed class Wrapping(ICollection<EndpointDataSource> sources, string[] replacedRoutes) : ICollection<EndpointDataSource>
    {
        private readonly List<EndpointDataSource> _added = [];

        public int Count => _added.Count;

        public bool IsReadOnly => false;

        public void Add(EndpointDataSource item)
        {
            _added.Add(item);
            sources.Add(new Filtered(item, replacedRoutes));
        }

        public void Clear() => throw new NotSupportedException();

        public bool Contains(EndpointDataSource item) => _added.Contains(item);

        public void CopyTo(EndpointDataSource[] array, int arrayIndex) => _added.CopyTo(array, arrayIndex);

        public bool Remove(EndpointDataSource item) => throw new NotSupportedException();

        public IEnumerator<EndpointDataSource> GetEnumerator() => _added.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class Filtered(EndpointDataSource source, string[] replacedRoutes) : EndpointDataSource
    {
        public override IReadOnlyList<Endpoint> Endpoints => [.. source.Endpoints.Where(e => Keeps(e, replacedRoutes))];

        public override IReadOnlyList<Endpoint> GetGroupedEndpoints(RouteGroupContext context) =>
            [.. source.GetGroupedEndpoints(context).Where(e => Keeps(e, replacedRoutes))];

        public override Microsoft.Extensions.Primitives.IChangeToken GetChangeToken() => source.GetChangeToken();
    }
}
