using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Training;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Methods;

/// <summary>Tiny versions of the paper's networks and a random batch, for CPU tests.</summary>
internal static class TinyFgi
{
    public const int Size = 32, TextDim = 6, TextLength = 5;
    public static readonly int[] StudentFeatures = [8, 8, 8, 16, 32, 8];

    public static Fgi Options(bool text = true) => new()
    {
        TeacherFeatures = [8, 16, 16, 32, 64, 8],
        FeatureSize = 8,
        TextFusion = text,
        TextDim = TextDim,
        AttentionHeads = 4,
        RampUp = 10,
    };

    public static FgiMethod Create(Fgi options, long seed = 0, OptimizerOptions? optimizer = null)
    {
        manual_seed(seed);
        return new FgiMethod(3, StudentFeatures, Size, options, optimizer ?? new OptimizerOptions(), CPU, seed);
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
