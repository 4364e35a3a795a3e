using System.Runtime;

namespace GazeInsight.Torch.Backend;

/// <summary>
/// Runs torch work with the garbage collector held off (a no-GC region). TorchSharp 0.107 hands
/// libtorch the native handle of a <c>Scalar</c> (every implicit double/int argument: an SGD step's
/// <c>alpha: -lr</c>, <c>add_(t)</c>'s hidden alpha 1, <c>x * 0.5</c>) and keeps no reference to the
/// managed object during the call: a collection started meanwhile by another thread (the cell's
/// parent-watch timer, the thread pool) may finalise it, freeing the native value while libtorch
/// reads it. libtorch then reads garbage: "value cannot be converted to type float without
/// overflow ... toFloat at c10/core/Scalar.h:140" from Tensor.add_, or silently a wrong number.
/// With no collection inside the region nothing in flight can be finalised. If the work (all
/// threads together) allocates more than the budget, the runtime collects and the region ends
/// early; that is rare (a training step allocates little managed memory) and never wrong, only
/// unprotected.
/// </summary>
public static class GcPause
{
    /// <summary>Managed bytes all threads may allocate inside one pause.</summary>
    public const long Budget = 256L << 20;

    public static T Run<T>(Func<T> work)
    {
        var paused = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && TryStart();
        try
        {
            return work();
        }
        finally
        {
            if (paused && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                try
                {
                    GC.EndNoGCRegion();
                }
                catch (InvalidOperationException)
                {
                    // the region already ended (a collection ran inside it): nothing to end
                }
            }
        }
    }

    private static bool TryStart()
    {
        try
        {
            return GC.TryStartNoGCRegion(Budget);
        }
        catch (InvalidOperationException)
        {
            return false;   // another pause is in effect (nested use)
        }
    }
}
