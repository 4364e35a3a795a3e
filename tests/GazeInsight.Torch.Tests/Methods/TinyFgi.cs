using GazeInsight.Torch.Losses;
using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Tests.Training;
using GazeInsight.Torch.Training;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Methods;

/// <summary>Tiny versions of the paper's networks and a random batch, for CPU tests.</summary>
internal static class TinyFgi
{
    public const int Size = 32, TextDim = 6, TextLength = 5, FeatureSize = 8;
    public static readonly int[] StudentFeatures = [8, 8, 8, 16, 32, 8];

    /// <summary>The released code's FGI at tiny widths (4 heads, a 10-iteration ramp).</summary>
    public static Fgi Options(bool text = true) => new()
    {
        HighThreshold = 0.5,
        LowThreshold = 0.3,
        TeacherFeatures = [8, 16, 16, 32, 64, 8],
        TextFusion = text,
        AttentionHeads = 4,
        FusionWeight = FusionWeight.Fixed,
        SupervisedLoss = SupervisedLoss.Bce,
        AfcWeight = 0.05,
        Cwc = CwcVariant.Bidirectional,
        CwcWeight = 1.0,
        CwcProbability = CwcProbability.Sigmoid,
        TauPositive = 0.8,
        TauNegative = 0.2,
        CutMixNoise = 0.2,
        Darm = TestRequests.Darm(),
        RampUp = 10,
    };

    /// <summary>The networks' shape for <paramref name="options"/>: 3 channels, text of <see cref="TextDim"/> when fused.</summary>
    public static NetworkShape Shape(Fgi options, int size = Size, int[]? studentFeatures = null, int featureSize = FeatureSize) =>
        new(3, size, studentFeatures ?? StudentFeatures, featureSize, options.TextFusion ? TextDim : null);

    public static FgiMethod Create(Fgi options, long seed = 0, OptimizerOptions? optimizer = null, ComputeOptions? compute = null)
    {
        manual_seed(seed);
        return new FgiMethod(Shape(options), options, optimizer ?? TestRequests.Sgd(), compute ?? TestRequests.Fp32(), CPU, seed);
    }

    /// <summary>
    /// FGI at 16 px with the smallest widths that still have every part, for checks over many
    /// steps (live tensors, memory); the batch comes from <see cref="SmallBatch"/>.
    /// </summary>
    public static FgiMethod Small(ComputeOptions compute)
    {
        var options = Options() with { TeacherFeatures = [4, 8, 8, 8, 16, 4] };
        return new FgiMethod(Shape(options, size: 16, studentFeatures: [4, 4, 4, 8, 8, 4], featureSize: 4), options,
            TestRequests.Sgd(), compute, CPU, seed: 0);
    }

    /// <summary>A two-image batch at 16 px for <see cref="Small"/>, in the caller's scope.</summary>
    public static Batch SmallBatch()
    {
        var full = Batch(batchSize: 2);
        return new Batch(
            nn.functional.interpolate(full.Images, [16, 16]), nn.functional.interpolate(full.Masks, [16, 16]),
            nn.functional.interpolate(full.Gaze!, [16, 16]), full.Text);
    }

    /// <summary>Training steps <paramref name="from"/>.. of <paramref name="count"/>, each in its own dispose scope.</summary>
    public static void Steps(ISegmentationMethod method, Batch batch, int from, int count)
    {
        for (var it = from; it < from + count; it++)
        {
            using var scope = NewDisposeScope();
            method.TrainStep(batch, it);
        }
    }

    /// <summary>A batch in the caller's scope: a bright square, gaze peaking on it, random text.</summary>
    public static Batch Batch(int batchSize = 4, long seed = 1)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed, CPU);
        var yy = arange(Size, dtype: ScalarType.Float32).view(1, 1, -1, 1);
        var xx = arange(Size, dtype: ScalarType.Float32).view(1, 1, 1, -1);
        var centre = rand([batchSize, 2, 1, 1], generator: generator) * (Size / 2) + Size / 4;
        var distance = (yy - centre[.., 0..1]).square() + (xx - centre[.., 1..2]).square();
        var gaze = (-distance / 40).exp();
        var mask = gaze.ge(0.4).to_type(ScalarType.Float32);
        var images = (mask * 2 - 1).expand(batchSize, 3, Size, Size) + randn([batchSize, 3, Size, Size], generator: generator) * 0.3;
        var text = randn([batchSize, TextLength, TextDim], generator: generator);
        return new Batch(images, mask, gaze, text);
    }
}
