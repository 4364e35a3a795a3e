using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks;

/// <summary>
/// GazeMedSeg's feature propagation (method.md §4): every pixel looks at 25 neighbours on a 5x5
/// grid with dilation 2 (zero padded); affinity = dot product of the two feature vectors,
/// clamped at 0, softmax over the 25; the propagated feature is the affinity-weighted sum of the
/// neighbours' features, and the level's 1x1 classifier applied to it gives propagated logits.
/// </summary>
public static class FeaturePropagation
{
    /// <summary>Neighbourhood side (5) and dilation (2).</summary>
    public const int Side = 5, Dilation = 2;

    private static readonly int Reach = Side / 2 * Dilation;

    /// <summary>
    /// Propagated logits for features [B, C, H, W] and a 1x1 classifier (weight [K, C, 1, 1],
    /// bias [K]): returns [B, K, H, W]. Because the classifier is affine and the affinities sum
    /// to 1, classifying the propagated feature equals propagating the logits without bias (zero
    /// padding in feature space is the bias alone in logit space) and adding the bias back; that
    /// avoids materialising the [B, C, 25, H*W] neighbour features.
    /// </summary>
    public static Tensor PropagatedLogits(Tensor features, Tensor classifierWeight, Tensor classifierBias)
    {
        using var scope = NewDisposeScope();
        var affinity = Affinity(features);                                            // [B, 25, H, W]
        var unbiased = nn.functional.conv2d(features, classifierWeight);              // [B, K, H, W]
        var neighbours = Neighbours(unbiased);                                        // [B, K, 25, H, W]
        var propagated = (neighbours * affinity.unsqueeze(1)).sum(2);
        return (propagated + classifierBias.view(1, -1, 1, 1)).MoveToOuterDisposeScope();
    }

    /// <summary>Softmax-normalised affinities [B, 25, H, W]; neighbour k = (ky, kx) row-major over the 5x5 grid.</summary>
    public static Tensor Affinity(Tensor features)
    {
        using var scope = NewDisposeScope();
        var neighbours = Shifts(features).Select(shifted => (features * shifted).sum(1)).ToArray();
        return stack(neighbours, 1).clamp_min(0).softmax(1).MoveToOuterDisposeScope();
    }

    // [B, K, H, W] -> [B, K, 25, H, W] zero-padded neighbours
    private static Tensor Neighbours(Tensor map)
    {
        using var scope = NewDisposeScope();
        return stack(Shifts(map), 2).MoveToOuterDisposeScope();
    }

    private static IEnumerable<Tensor> Shifts(Tensor map)
    {
        long h = map.shape[2], w = map.shape[3];
        var padded = nn.functional.pad(map, [Reach, Reach, Reach, Reach]);
        for (var ky = 0; ky < Side; ky++)
        for (var kx = 0; kx < Side; kx++)
            yield return padded[.., .., (ky * Dilation)..(int)(ky * Dilation + h), (kx * Dilation)..(int)(kx * Dilation + w)];
    }
}
