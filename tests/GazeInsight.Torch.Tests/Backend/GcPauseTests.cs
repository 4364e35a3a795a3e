using GazeInsight.Torch.Backend;

namespace GazeInsight.Torch.Tests.Backend;

/// <summary>
/// The training loop's guard against TorchSharp finalising a temporary Scalar while libtorch still
/// reads it (issue 10: "toFloat at c10/core/Scalar.h:140" from Tensor.add_ after a validation): no
/// collection may start inside <see cref="GcPause.Run"/>, whoever allocates, and outside it the
/// collector runs as usual.
/// </summary>
public class GcPauseTests
{
    [Fact]
    public void NoCollectionStartsInsideThePauseWhileAnotherThreadAllocates()
    {
        var (collections, mode) = GcPause.Run(() =>
        {
            // 64 MB from another thread: many gen-0 collections' worth outside a pause, inside its 256 MB budget
            var count = CollectionsWhileAnotherThreadAllocates(64 << 20);
            return (count, System.Runtime.GCSettings.LatencyMode);
        });
        Assert.Equal(System.Runtime.GCLatencyMode.NoGCRegion, mode);
        Assert.Equal(0, collections);
    }

    [Fact]
    public void ThePauseReturnsTheWorksResultAndEndsWithIt()
    {
        Assert.Equal(42, GcPause.Run(() => 42));
        Assert.NotEqual(System.Runtime.GCLatencyMode.NoGCRegion, System.Runtime.GCSettings.LatencyMode);
    }

    private static int CollectionsWhileAnotherThreadAllocates(int bytes)
    {
        var before = GC.CollectionCount(0);
        var allocator = new Thread(() =>
        {
            var keep = new byte[1][];
            for (var done = 0; done < bytes; done += 16 << 10) keep[0] = new byte[16 << 10];
        });
        allocator.Start();
        allocator.Join();
        return GC.CollectionCount(0) - before;
    }
}
