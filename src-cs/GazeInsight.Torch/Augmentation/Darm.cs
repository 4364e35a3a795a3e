using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Augmentation;

/// <summary>
/// Disagreement-aware random masking (method.md §6), vectorised on the device. The released
/// procedure visits the disagreement pixels of the whole batch in random order and stamps a
/// square of random side k in [min, max] on each, until the summed square areas reach
/// ratio * (number of disagreement pixels). Here: every pixel gets a random key (disagreement
/// pixels sort first), a random side; one argsort gives the visiting order, a cumulative sum of
/// the areas picks the prefix (a square is taken while the areas before it stay under the
/// target), and the chosen centres are stamped by separable box convolutions, one channel per
/// side. No loop runs per pixel and nothing moves between host and device (counted by
/// `runner bench-train-step --count-syncs`).
/// </summary>
public static class Darm
{
    /// <summary>Released variant: pixels where the two gaze masks differ ([B, 1, H, W] 0/1 each).</summary>
    public static Tensor GazeDisagreement(Tensor highConfidence, Tensor broad) => highConfidence.ne(broad);

    /// <summary>Paper variant: pixels where teacher and student predict different classes (logits [B, 2, H, W]).</summary>
    public static Tensor PredictionDisagreement(Tensor teacherLogits, Tensor studentLogits)
    {
        using var scope = NewDisposeScope();
        var teacher = teacherLogits[.., 1..2].gt(teacherLogits[.., 0..1]);
        var student = studentLogits[.., 1..2].gt(studentLogits[.., 0..1]);
        return teacher.ne(student).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Samples the masked region: returns a [B, 1, H, W] bool mask, the union of the stamped squares.
    /// A square of even side k centred on (y, x) covers rows y - k/2 .. y + k/2 - 1.
    /// </summary>
    /// <param name="disagreement">[B, 1, H, W] bool.</param>
    /// <param name="ratio">Target summed area as a fraction of the disagreement pixel count (0.3).</param>
    /// <param name="minPatch">Smallest square side (3).</param>
    /// <param name="maxPatch">Largest square side (10).</param>
    /// <param name="generator">Generator on the tensors' device.</param>
    public static Tensor SampleMask(Tensor disagreement, double ratio, int minPatch, int maxPatch, Generator generator)
    {
        if (ratio < 0) throw new ArgumentException($"DARM ratio must be >= 0, got {ratio}");
        if (minPatch < 1 || maxPatch < minPatch)
            throw new ArgumentException($"DARM patch sides must satisfy 1 <= min <= max, got {minPatch} and {maxPatch}");
        using var scope = NewDisposeScope();
        var device = disagreement.device;
        long batch = disagreement.shape[0], height = disagreement.shape[2], width = disagreement.shape[3];
        var flat = disagreement.reshape(-1);
        var count = flat.numel();
        var keys = where(flat, rand([count], generator: generator, device: device), 2.0f);
        var order = keys.argsort();
        var sides = randint(minPatch, maxPatch + 1, [count], generator: generator, device: device);
        var inOrder = flat.index_select(0, order).to_type(ScalarType.Float32);
        var areas = sides.index_select(0, order).to_type(ScalarType.Float32).square() * inOrder;
        var target = flat.sum().to_type(ScalarType.Float32) * ratio;
        var chosenInOrder = inOrder.gt(0).logical_and((areas.cumsum(0) - areas).lt(target));
        var chosen = zeros(count, dtype: ScalarType.Bool, device: device).index_put_(chosenInOrder, order);
        return Stamp(chosen.view(batch, 1, height, width), sides.view(batch, 1, height, width), minPatch, maxPatch)
            .MoveToOuterDisposeScope();
    }

    /// <summary>Stamps a square of side sides[p] on every chosen centre p; [B, 1, H, W] bool.</summary>
    public static Tensor Stamp(Tensor centres, Tensor sides, int minPatch, int maxPatch)
    {
        using var scope = NewDisposeScope();
        var device = centres.device;
        var kinds = maxPatch - minPatch + 1;
        var sideValues = arange(minPatch, maxPatch + 1, device: device).view(1, -1, 1, 1);
        var perSide = centres.logical_and(sides.eq(sideValues)).to_type(ScalarType.Float32);   // [B, kinds, H, W]
        // conv2d correlates: output p sums input p + u - pad; a centre at offset d = u - pad from p
        // covers p when -(k - 1 - k/2) <= d <= k/2.
        var size = maxPatch;
        var pad = size - 1 - size / 2;
        // taps[i, u] = 1 where pad - (k - 1 - k/2) <= u <= pad + k/2 for side k = minPatch + i, built
        // on the device: a host array would be an upload, and a host wait on CUDA, every step
        var side = arange(minPatch, maxPatch + 1, device: device).view(-1, 1);
        var offset = arange(size, device: device).view(1, -1) - pad;
        var taps = offset.ge(side.div(2, rounding_mode: RoundingMode.floor) - side + 1)
            .logical_and(offset.le(side.div(2, rounding_mode: RoundingMode.floor)))
            .to_type(ScalarType.Float32);
        var vertical = taps.view(kinds, 1, size, 1);
        var horizontal = taps.view(kinds, 1, 1, size);
        // an even side has no centre tap: pad one more after than before, so the output keeps H x W
        long before = pad, after = size - 1 - pad;
        var rows = nn.functional.conv2d(nn.functional.pad(perSide, [0, 0, before, after]), vertical, groups: kinds);
        var boxes = nn.functional.conv2d(nn.functional.pad(rows, [before, after, 0, 0]), horizontal, groups: kinds);
        return boxes.sum(1, keepdim: true).gt(0.5).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Applies a sampled mask: the image gets <paramref name="fill"/> (0 is the normalised mean)
    /// and the label background inside it. Returns new tensors.
    /// </summary>
    public static (Tensor Image, Tensor Label) Apply(Tensor image, Tensor label, Tensor mask, double fill)
        => (image.masked_fill(mask, fill), label.masked_fill(mask, 0));
}
