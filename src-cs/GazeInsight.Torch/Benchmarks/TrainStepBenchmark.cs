using System.Diagnostics;
using GazeInsight.Torch.Backend;
using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Benchmarks;

/// <summary>
/// Times the full FGI training step as the issue defines it: the FGI method of
/// the request (the runner passes the released recipe: paper-sized teacher with
/// text fusion, gaze-disagreement DARM, BCE, AFC and bidirectional CWC with CutMix, both SGD
/// optimisers), built by <see cref="MethodFactory"/> as training builds it, on random images,
/// gaze maps and 768-d text of 16 tokens. Mirrors shared/bench/fgi_step_pytorch.py so that the
/// two can run on one machine.
/// </summary>
public static class TrainStepBenchmark
{
    /// <param name="request">An FGI request: its Device, BatchSize, ImageSize and Iterations (the timed steps) are used.</param>
    /// <param name="threads">libtorch's intra-op CPU threads (torch.set_num_threads), or null to keep libtorch's
    /// default; the PyTorch reference takes the same number so that a CPU comparison is fair.</param>
    /// <param name="syncs">A loaded host-sync counter, or null: when given, it is calibrated on the device and
    /// the result has the host synchronisations made inside the timed steps' TrainStep calls.</param>
    public static TrainStepBenchmarkResult Run(ExperimentRequest request, int warmup = 3, int textLength = 16, int textDim = 768,
        IProgress<string>? progress = null, int? threads = null, HostSyncCounter? syncs = null)
    {
        int batchSize = request.BatchSize, imageSize = request.ImageSize, iterations = request.Iterations;
        if (batchSize < 2 || iterations < 1 || warmup < 0)
            throw new ArgumentException($"need batch >= 2, iterations >= 1, warm-up >= 0; got {batchSize}, {iterations}, {warmup}");
        if (threads is < 1)
            throw new ArgumentException($"need threads >= 1, got {threads}");
        if (request.Method is not Fgi { TextFusion: true })
            throw new ArgumentException("the training-step benchmark times FGI with text fusion");
        var device = TorchBackend.ResolveDevice(request.Device);
        var cuda = device.type == DeviceType.CUDA;
        if (threads is int count) set_num_threads(count);
        TorchBackend.UseTf32(device);
        Determinism.Seed(request.Seed, device);
        syncs?.Calibrate(device);
        using var method = (FgiMethod)MethodFactory.Create(request, new DataShape(3, textDim), device);
        using var data = NewDisposeScope();
        var images = randn(batchSize, 3, imageSize, imageSize, device: device);
        var gaze = rand(batchSize, 1, imageSize, imageSize, device: device);
        var text = randn(batchSize, textLength, textDim, device: device);
        var batch = new Batch(images, gaze.ge(0.5).to_type(ScalarType.Float32), gaze, text);
        method.SetTraining(true);
        long? peakDevice = null;
        var deviceIndex = cuda ? Math.Max(0, (int)device.index) : 0;

        var stepSyncs = new HostSyncCounts();

        double Steps(int from, int count, bool timed)
        {
            var loss = double.NaN;
            for (var it = from; it < from + count; it++)
            {
                using var scope = NewDisposeScope();
                var before = syncs?.Read();
                var value = method.TrainStep(batch, it);
                if (timed && syncs is not null) stepSyncs += syncs.Read() - before!.Value;
                if (it == from + count - 1) loss = value.item<float>();   // one read (a sync) per run, at its end
                if (cuda && NvmlMemory.Used(deviceIndex) is { } used) peakDevice = Math.Max(peakDevice ?? 0, used);
            }
            if (cuda) torch.cuda.synchronize(device);
            return loss;
        }

        Steps(0, warmup, timed: false);
        progress?.Report($"warm-up of {warmup} steps done");
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var cpuBefore = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var finalLoss = Steps(1000, iterations, timed: true);
        var seconds = clock.Elapsed.TotalSeconds;
        self.Refresh();
        var cpuSeconds = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
        return new TrainStepBenchmarkResult(device.ToString(), batchSize, imageSize, iterations, get_num_threads(),
            iterations * batchSize / seconds, seconds / iterations * 1000, cpuSeconds / iterations, self.PeakWorkingSet64, peakDevice, finalLoss,
            method.Teacher.parameters().Sum(p => p.numel()), method.Student.parameters().Sum(p => p.numel()),
            syncs is null ? null : stepSyncs);
    }
}
