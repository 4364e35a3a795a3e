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

    // The step's four passes (teacher, student, both again on the CutMix batch) have separate graphs
    // and each is differentiated before the next runs: when the teacher's CutMix pass reaches its
    // head, the heap holds what it held when its first pass did plus the two networks' gradients,
    // not the graphs of the three passes before it (a teacher pass's graph: 15 MB here).
    [Fact]
    public void EachPassOfAnFgiStepIsDifferentiatedBeforeTheNextRuns()
    {
        const int size = 64;   // a teacher graph of several MB: far above the allocator's small change
        var options = TinyFgi.Options();
        manual_seed(0);
        using var method = new FgiMethod(TinyFgi.Shape(options, size: size), options, TestRequests.Sgd(), TestRequests.Fp32(), CPU, seed: 0);
        using var scope = NewDisposeScope();
        var tiny = TinyFgi.Batch();
        var batch = new Batch(nn.functional.interpolate(tiny.Images, [size, size]), nn.functional.interpolate(tiny.Masks, [size, size]),
            nn.functional.interpolate(tiny.Gaze!, [size, size]), tiny.Text);
        method.SetTraining(true);
        method.TrainStep(batch, iteration: 19);   // warm-up: optimiser state, the convolution code's caches
        var atHead = new List<long>();
        var head = method.Teacher.named_modules().Single(m => m.name == "head.0").module;
        var hook = ((nn.Module<Tensor, Tensor>)head).register_forward_pre_hook(_ => atHead.Add(NativeHeap.InUseBytes()));
        try
        {
            // earlier tests' undisposed tensors are freed by finalizers: not during the measured step
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = NativeHeap.InUseBytes();
            GazeInsight.Torch.Backend.GcPause.Run(() => method.TrainStep(batch, iteration: 20));
            Assert.Equal(2, atHead.Count);
            var gradients = method.Teacher.parameters().Concat(method.Student.parameters()).Sum(p => p.numel() * sizeof(float));
            // the teacher's graph up to its head (the last step's gradients were dropped before it)
            var firstPass = atHead[0] - before + gradients;
            // what remains is the passes' outputs (logits, features, masks: 3.4 MB here); one graph
            // held over (the single backward of the summed loss held three: 38 MB) is far more
            Assert.InRange(atHead[1] - atHead[0] - gradients, -firstPass / 2, firstPass / 2);
        }
        finally
        {
            hook.remove();
        }
    }
}
