using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Tests.Training;
using GazeInsight.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Methods;

public class MemoryTests
{
    [Fact]
    public void LiveTensorsAndResidentMemoryStayFlatOverManyFgiSteps()
    {
        using var method = TinyFgi.Small(TestRequests.Fp32());
        using var batchScope = NewDisposeScope();
        var batch = TinyFgi.SmallBatch();
        method.SetTraining(true);
        void Steps(int from, int count) => TinyFgi.Steps(method, batch, from, count);

        Steps(0, 20);   // warm-up: optimiser state and allocator pools
        GC.Collect();
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var residentBefore = Environment.WorkingSet;
        Steps(20, 200);
        GC.Collect();
        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        // 200 leaked steps would hold hundreds of MB of activations; allocator noise is far less
        Assert.InRange(Environment.WorkingSet - residentBefore, long.MinValue, 64L << 20);
    }
}
