using DeepNet.Server.Contracts;
using Microsoft.AspNetCore.SignalR;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Demos;

/// <summary>The lecture's live demos at <c>/hubs/demos</c>.</summary>
public sealed class DemosHub(GibbsSampler sampler, RequestUser viewer) : Hub
{
    public const string Path = "/hubs/demos";

    /// <summary>
    /// Streams Gibbs sampling from a trained RBM: alternately h ~ Q(h|v) and v ~ P(v|h) in <c>chains</c> parallel chains
    /// started from noise or from test digits (never from rows of a data set the caller may not read); a frame (the chains' visible means) at step 0 and every <c>every</c> steps,
    /// at most ~10 frames per second. Ends after <c>steps</c> steps or when the client cancels the stream.
    /// </summary>
    public IAsyncEnumerable<GibbsFrame> Gibbs(GibbsRequest request, CancellationToken cancellationToken) =>
        sampler.StreamAsync(request, viewer, cancellationToken);
}
