using GazeInsight.Metrics;
using GazeInsight.Torch.Data;
using GazeInsight.Torch.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Training;

/// <summary>
/// Evaluation as the reference: logits upsampled bilinearly to the ground truth's native size,
/// sigmoid of channel 1 thresholded at 0.5, per-image Dice and IoU with the reference convention
/// (epsilon 1e-7, so two empty masks score 0, as the released code). With surface metrics, also
/// HD, HD95 (pooled), ASD, ASSD and MASD per image in pixels (NaN where a mask is empty).
/// </summary>
public static class Evaluator
{
    private static readonly EvaluationOptions Conventions = new(OverlapPolicy.Reference, SurfaceDistanceOptions.Default);

    /// <param name="surfaceMetrics">Compute the surface distances too (test), or only Dice/IoU (validation).</param>
    public static IReadOnlyList<CaseMetrics> Evaluate(ISegmentationMethod method, MethodOutput output, PreparedSplit split, int batchSize,
        bool surfaceMetrics = true)
    {
        var results = new CaseMetrics[split.Count];
        method.SetTraining(false);
        try
        {
            using var noGrad = no_grad();
            for (var start = 0; start < split.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var length = Math.Min(batchSize, split.Count - start);
                var batch = new Batch(
                    split.Images.narrow(0, start, length),
                    split.Masks.narrow(0, start, length),
                    split.Gaze?.narrow(0, start, length),
                    split.Text?.Values.narrow(0, start, length))
                {
                    TextValid = split.Text?.Valid.narrow(0, start, length),
                };
                var logits = method.Predict(batch, output);
                for (var i = 0; i < length; i++)
                {
                    var truth = split.NativeMasks[start + i];
                    var prediction = Binarise(logits[i..(i + 1), 1..2], truth.Height, truth.Width);
                    results[start + i] = surfaceMetrics
                        ? Evaluation.Evaluate(truth.Id, new BinaryMask([truth.Height, truth.Width], prediction),
                            new BinaryMask([truth.Height, truth.Width], truth.Pixels), Conventions)
                        : new CaseMetrics(truth.Id, Overlap.Dice(prediction, truth.Pixels, Conventions.Overlap),
                            Overlap.IoU(prediction, truth.Pixels, Conventions.Overlap), double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
                }
            }
        }
        finally
        {
            method.SetTraining(true);
        }
        return results;
    }

    /// <summary>Lesion logits [1, 1, S, S] to a native-size 0/1 mask.</summary>
    public static byte[] Binarise(Tensor lesionLogits, int height, int width)
    {
        using var scope = NewDisposeScope();
        var resized = nn.functional.interpolate(lesionLogits, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        // sigmoid(z) > 0.5 <=> z > 0
        return resized.gt(0).to_type(ScalarType.Byte).cpu().data<byte>().ToArray();
    }
}
