using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Losses;

/// <summary>Supervised losses on 2-channel logits (channel 1 is the lesion).</summary>
public static class SegmentationLoss
{
    /// <summary>
    /// Released code: BCE-with-logits of channel 1 of <paramref name="logits"/> [B, 2, H, W]
    /// against a 0/1 <paramref name="target"/> [B, 1, H, W], mean over all pixels.
    /// </summary>
    public static Tensor Bce(Tensor logits, Tensor target)
    {
        using var scope = NewDisposeScope();
        return nn.functional.binary_cross_entropy_with_logits(logits[.., 1..2], target).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Paper: partial cross-entropy. Pixels with <paramref name="foreground"/> = 1 are class 1,
    /// pixels with <paramref name="background"/> = 1 class 0, the rest ignored (both [B, 1, H, W],
    /// 0/1, never both 1). Mean of -log softmax over labelled pixels; 0 when none is labelled
    /// (no host synchronisation: the count is clamped, not tested).
    /// </summary>
    public static Tensor PartialCrossEntropy(Tensor logits, Tensor foreground, Tensor background)
    {
        using var scope = NewDisposeScope();
        var logProbabilities = logits.log_softmax(1);
        var perPixel = -(logProbabilities[.., 1..2] * foreground + logProbabilities[.., 0..1] * background);
        var labelled = (foreground + background).sum().clamp_min(1);
        return (perPixel.sum() / labelled).MoveToOuterDisposeScope();
    }
}
