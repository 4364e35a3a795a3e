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
        var options = TinyFgi.Options() with { TeacherFeatures = [4, 8, 8, 8, 16, 4] };
        using var method = new FgiMethod(TinyFgi.Shape(options, size: 16, studentFeatures: [4, 4, 4, 8, 8, 4], featureSize: 4), options,
            TestRequests.Sgd(), TestRequests.Fp32(), CPU, seed: 0);
        using var batchScope = NewDisposeScope();
        var full = TinyFgi.Batch(batchSize: 2);
        var batch = new Batch(
            nn.functional.interpolate(full.Images, [16, 16]), nn.functional.interpolate(full.Masks, [16, 16]),
            nn.functional.interpolate(full.Gaze!, [16, 16]), full.Text);
        method.SetTraining(true);

        void Steps(int from, int count)
        {
            for (var it = from; it < from + count; it++)
            {
                using var scope = NewDisposeScope();
                method.TrainStep(batch, it);
            }
        }

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
