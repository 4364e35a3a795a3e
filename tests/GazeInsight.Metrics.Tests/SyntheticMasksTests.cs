using GazeInsight.Metrics;

namespace GazeInsight.Metrics.Tests;

public class SyntheticMasksTests
{
    [Fact]
    public void Pairs_are_reproducible_from_the_seed_and_overlap_like_segmentations()
    {
        var a = SyntheticMasks.Pair(new Random(4), [64, 48]);
        var b = SyntheticMasks.Pair(new Random(4), [64, 48]);
        Assert.Equal(a.Prediction.Data, b.Prediction.Data);
        Assert.Equal(a.Truth.Data, b.Truth.Data);

        var rng = new Random(8);
        var dice = Enumerable.Range(0, 50)
            .Select(_ => SyntheticMasks.Pair(rng, [64, 64]))
            .Select(p => Overlap.Dice(p.Prediction.Data, p.Truth.Data, OverlapPolicy.Monai))
            .Where(d => !double.IsNaN(d))
            .ToArray();
        // Perturbed copies: mostly good but not perfect agreement.
        Assert.InRange(dice.Average(), 0.4, 0.95);
        Assert.Contains(dice, d => d < 1.0);
    }

    [Fact]
    public void Volumes_have_the_requested_shape_and_spacing()
    {
        var (p, g) = SyntheticMasks.Pair(new Random(1), [8, 32, 32], [3.0, 0.5, 0.5]);
        Assert.Equal([8, 32, 32], p.Shape);
        Assert.Equal([3.0, 0.5, 0.5], g.Spacing);
        Assert.Throws<ArgumentException>(() => SyntheticMasks.Pair(new Random(1), [8]));
    }
}
