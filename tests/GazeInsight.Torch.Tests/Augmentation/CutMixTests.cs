using GazeInsight.Torch.Augmentation;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Augmentation;

public class CutMixTests
{
    [Fact]
    public void BoxesAreClippedRectanglesAndDonorsAPermutation()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(9, CPU);
        for (var trial = 0; trial < 20; trial++)
        {
            using var sample = CutMix.Sample(6, 24, 20, generator);
            Assert.Equal(new long[] { 6, 1, 24, 20 }, sample.Box.shape);
            Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), sample.Donor.data<long>().ToArray().Order());
            for (var b = 0; b < 6; b++)
            {
                var box = sample.Box[b, 0];
                var rows = box.any(1).to_type(ScalarType.Int64);
                var cols = box.any(0).to_type(ScalarType.Int64);
                var area = box.sum().item<long>();
                Assert.Equal(rows.sum().item<long>() * cols.sum().item<long>(), area);   // a rectangle
                // with lambda in (0, 1) the box is never the whole image
                Assert.True(area < 24 * 20);
            }
        }
    }

    [Fact]
    public void ApplyTakesTheDonorsPixelsInsideTheBox()
    {
        using var scope = NewDisposeScope();
        var images = arange(3, dtype: ScalarType.Float32).view(3, 1, 1, 1).expand(3, 2, 4, 4).contiguous();
        var box = zeros(new long[] { 3, 1, 4, 4 }, dtype: ScalarType.Bool);
        box[.., .., 1..3, 1..3] = tensor(true);
        var mixed = CutMix.Apply(images, new CutMixSample(box, tensor(new long[] { 2, 0, 1 })));
        Assert.Equal(2f, mixed[0, 1, 1, 2].item<float>());
        Assert.Equal(0f, mixed[0, 1, 0, 0].item<float>());
        Assert.Equal(0f, mixed[1, 0, 2, 2].item<float>());
        Assert.Equal(1f, mixed[2, 0, 1, 1].item<float>());
        Assert.Equal(2f, mixed[2, 0, 3, 3].item<float>());
    }

    [Fact]
    public void LambdaIsBetaFourFour()
    {
        // Beta(4, 4): mean 1/2, variance 16 / (64 * 9) = 1/36
        using var scope = NewDisposeScope();
        using var generator = new Generator(21, CPU);
        var lambda = CutMix.SampleLambda(40000, 4.0, generator);
        Assert.InRange(lambda.mean().item<float>(), 0.495, 0.505);
        Assert.InRange(lambda.var().item<float>(), 1 / 36.0 - 0.001, 1 / 36.0 + 0.001);
        Assert.True(lambda.gt(0).logical_and(lambda.lt(1)).all().item<bool>());
    }

    [Fact]
    public void BoxSidesAreTheSquareRootOfOneMinusLambda()
    {
        using var scope = NewDisposeScope();
        // lambda 3/4: sides 16 * 1/2 = 8, rows 8 - 4 .. 8 + 3; lambda 0.9375: sides 4 at (2, 15): rows 0..3, cols 13..15 (clipped)
        var boxes = CutMix.Boxes(tensor(new[] { 0.75f, 0.9375f }), tensor(new long[] { 8, 2 }), tensor(new long[] { 8, 15 }), 16, 16);
        Assert.Equal(64, boxes[0].sum().item<long>());
        Assert.True(boxes[0, 0, 4..12, 4..12].all().item<bool>());
        Assert.Equal(12, boxes[1].sum().item<long>());
        Assert.True(boxes[1, 0, 0..4, 13..16].all().item<bool>());
    }
}
