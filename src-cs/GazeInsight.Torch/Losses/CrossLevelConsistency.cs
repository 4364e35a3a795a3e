using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Losses;

/// <summary>
/// GazeMedSeg's cross-level consistency (method.md §5): level i's propagated prediction
/// q_i = sigmoid(propagated logits) should agree with every other level's detached prediction
/// p_j = sigmoid(logits): term(i, j) = -mean[(1 - q_i)(1 - p_j) + q_i p_j]. Per level i the terms
/// are averaged over the other levels; the result sums over levels (each level is its own network,
/// as its supervised BCE terms are summed).
/// </summary>
public static class CrossLevelConsistency
{
    /// <param name="propagated">Propagated logits per level, [B, 1, H, W].</param>
    /// <param name="logits">Plain logits per level, [B, 1, H, W] (detached here).</param>
    public static Tensor Loss(IReadOnlyList<Tensor> propagated, IReadOnlyList<Tensor> logits)
    {
        var levels = propagated.Count;
        if (levels != logits.Count) throw new ArgumentException($"got {levels} propagated and {logits.Count} plain logit maps");
        if (levels < 2) throw new ArgumentException($"cross-level consistency needs at least two levels, got {levels}");
        using var scope = NewDisposeScope();
        var targets = logits.Select(z => z.detach().sigmoid()).ToArray();
        Tensor? total = null;
        for (var i = 0; i < levels; i++)
        {
            var q = propagated[i].sigmoid();
            for (var j = 0; j < levels; j++)
            {
                if (j == i) continue;
                var term = -((1 - q) * (1 - targets[j]) + q * targets[j]).mean() / (levels - 1);
                total = total is null ? term : total + term;
            }
        }
        return total!.MoveToOuterDisposeScope();
    }
}
