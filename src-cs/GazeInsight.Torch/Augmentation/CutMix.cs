using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Augmentation;

/// <summary>
/// CutMix as the released CWC uses it (method.md §5), sampled and applied on the device:
/// per sample, lambda ~ Beta(4, 4); a box of sides floor(side * sqrt(1 - lambda)) (area fraction
/// about 1 - lambda) centred at (cy, cx), each uniform in [side/8, side), clipped to the image;
/// the box's pixels come from a donor given by one random permutation of the batch.
/// </summary>
public static class CutMix
{
    /// <summary>Draws the parameters from <paramref name="generator"/> (which lives on the device the tensors are made on).</summary>
    public static CutMixSample Sample(long batch, long height, long width, Generator generator, double alpha = 4.0)
    {
        if (batch < 1 || height < 1 || width < 1)
            throw new ArgumentException($"CutMix needs a non-empty batch, got {batch}x{height}x{width}");
        using var scope = NewDisposeScope();
        var device = generator.device;
        var lambda = SampleLambda(batch, alpha, generator);
        var cy = randint(height / 8, height, [batch], generator: generator, device: device);
        var cx = randint(width / 8, width, [batch], generator: generator, device: device);
        var box = Boxes(lambda, cy, cx, height, width);
        var donor = randperm(batch, generator: generator, device: device);
        return new CutMixSample(box.MoveToOuterDisposeScope(), donor.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Boxes [B, 1, H, W] for lambda [B] and centres [B]: sides floor(H sqrt(1 - lambda)) by
    /// floor(W sqrt(1 - lambda)), rows cy - h/2 .. cy - h/2 + h - 1 (h/2 rounded down), clipped.
    /// </summary>
    public static Tensor Boxes(Tensor lambda, Tensor cy, Tensor cx, long height, long width)
    {
        using var scope = NewDisposeScope();
        var device = lambda.device;
        var scale = (1 - lambda).sqrt();
        var boxH = (scale * height).floor().to_type(ScalarType.Int64).view(-1, 1, 1);
        var boxW = (scale * width).floor().to_type(ScalarType.Int64).view(-1, 1, 1);
        var top = cy.view(-1, 1, 1) - boxH.div(2, rounding_mode: RoundingMode.floor);
        var left = cx.view(-1, 1, 1) - boxW.div(2, rounding_mode: RoundingMode.floor);
        var rows = arange(height, device: device).view(1, -1, 1);
        var cols = arange(width, device: device).view(1, 1, -1);
        var box = rows.ge(top).logical_and(rows.lt(top + boxH))
            .logical_and(cols.ge(left)).logical_and(cols.lt(left + boxW));
        return box.unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>lambda ~ Beta(alpha, alpha), [count], as G1 / (G1 + G2) with G ~ Gamma(alpha, 1).</summary>
    public static Tensor SampleLambda(long count, double alpha, Generator generator)
    {
        using var scope = NewDisposeScope();
        var shape = full([2, count], alpha, dtype: ScalarType.Float32, device: generator.device);
        var gammas = _standard_gamma(shape, generator);
        return (gammas[0] / (gammas[0] + gammas[1])).MoveToOuterDisposeScope();
    }

    /// <summary>Mixes <paramref name="input"/> [B, C, H, W] (images, logits or masks) with the sampled boxes.</summary>
    public static Tensor Apply(Tensor input, CutMixSample sample)
    {
        using var scope = NewDisposeScope();
        return where(sample.Box, input.index_select(0, sample.Donor), input).MoveToOuterDisposeScope();
    }
}
