using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// Bounds the images decoded at once (<see cref="ConcurrencyOptions.ImageDecodes"/>): a decode holds its file and its
/// pixels, up to ~50 MB for 4096×4096, so a burst of uploads waits its turn instead of taking the server's memory. A
/// request that waits longer than <see cref="ConcurrencyOptions.ImageDecodeWait"/> is answered 503 (<see cref="Busy"/>).
/// </summary>
public sealed class ImageDecodeSlots(IOptions<ConcurrencyOptions> options)
{
    private readonly SemaphoreSlim _slots = new(options.Value.ImageDecodes, options.Value.ImageDecodes);

    /// <summary>Decodes running right now.</summary>
    public int Running => options.Value.ImageDecodes - _slots.CurrentCount;

    /// <summary>A decode slot, given back when disposed; null when none freed within the configured wait.</summary>
    public async Task<IDisposable?> TryEnterAsync(CancellationToken cancellationToken) =>
        await _slots.WaitAsync(options.Value.ImageDecodeWait, cancellationToken) ? new Slot(_slots) : null;

    /// <summary>The 503 for a request that found no slot.</summary>
    public ProblemHttpResult Busy() =>
        Problems.Busy($"{options.Value.ImageDecodes} images are being decoded and others are waiting; try again in a few seconds.");

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
