using GazeInsight.Torch.Losses;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Losses;

public class LossTests
{
    private static readonly double Ln2 = Math.Log(2), Ln3 = Math.Log(3), Ln4 = Math.Log(4), Ln9 = Math.Log(9);

    // [1, 2, 1, n] logits from per-pixel (channel 0, channel 1) pairs
    private static Tensor Logits(params (double C0, double C1)[] pixels)
    {
        var values = pixels.Select(p => (float)p.C0).Concat(pixels.Select(p => (float)p.C1)).ToArray();
        return tensor(values, [1, 2, 1, pixels.Length]);
    }

    private static Tensor Row(params float[] values) => tensor(values, [1, 1, 1, values.Length]);

    [Fact]
    public void BceUsesChannelOneOverAllPixels()
    {
        using var scope = NewDisposeScope();
        // sigma(0) = 1/2 against 1: ln 2; sigma(ln 3) = 3/4 against 0: ln 4
        var loss = SegmentationLoss.Bce(Logits((5, 0), (-5, Ln3)), Row(1, 0));
        Assert.Equal((Ln2 + Ln4) / 2, loss.item<float>(), 5);
    }

    [Fact]
    public void PartialCrossEntropyIgnoresTheUnlabelledBand()
    {
        using var scope = NewDisposeScope();
        // pixel 0 foreground, logits (0, 0): ln 2; pixel 1 background, (0, ln 3): softmax_0 = 1/4, ln 4;
        // pixel 2 in the band: whatever its logits, it is ignored
        var logits = Logits((0, 0), (0, Ln3), (-9, 9));
        var loss = SegmentationLoss.PartialCrossEntropy(logits, Row(1, 0, 0), Row(0, 1, 0));
        Assert.Equal((Ln2 + Ln4) / 2, loss.item<float>(), 5);
        var none = SegmentationLoss.PartialCrossEntropy(logits, Row(0, 0, 0), Row(0, 0, 0));
        Assert.Equal(0f, none.item<float>());
    }

    [Fact]
    public void AlignmentIsOneMinusCosineAveragedOverScalesAndPixels()
    {
        using var scope = NewDisposeScope();
        // scale 1: two pixels, orthogonal (1) and equal (0) -> 0.5; scale 2: opposite (2) -> 2
        var student1 = tensor(new float[] { 1, 3, 0, 4 }, [1, 2, 1, 2]).requires_grad_();
        var teacher1 = tensor(new float[] { 0, 3, 1, 4 }, [1, 2, 1, 2]).requires_grad_();
        var student2 = tensor(new float[] { 1, 1 }, [1, 2, 1, 1]).requires_grad_();
        var teacher2 = tensor(new float[] { -2, -2 }, [1, 2, 1, 1]).requires_grad_();
        var loss = FeatureAlignment.Loss([student1, student2], [teacher1, teacher2]);
        Assert.Equal((0.5 + 2) / 2, loss.item<float>(), 5);
        loss.backward();
        Assert.NotNull(student1.grad);
        Assert.Null(teacher1.grad);   // the teacher is detached
        Assert.Null(teacher2.grad);
    }

    [Fact]
    public void ConsistencyWeighsConfidentPixelsAndSkipsUncertainOnes()
    {
        using var scope = NewDisposeScope();
        // target A (0, ln 9): p = (0.1, 0.9), y = 1, positive (0.9 >= 0.8) and negative (0.1 < 0.2);
        //   input (0, 0): CE = ln 2; q = softmax_0 = 1/2, -log(1 - q) = ln 2
        // target B (0, 0): p = (0.5, 0.5): in neither set
        // target C (ln 4, 0): p = (0.8, 0.2), y = 0, positive (0.8 >= 0.8), not negative (0.2 !< 0.2);
        //   input (0, ln 3): CE for class 0 = ln 4
        // positive = (0.9 ln 2 + 0.8 ln 4) / 2 = 1.25 ln 2; negative = 0.1 ln 2 / 1
        var input = Logits((0, 0), (7, -3), (0, Ln3)).requires_grad_();
        var target = Logits((0, Ln9), (0, 0), (Ln4, 0)).requires_grad_();
        var loss = ConfidenceWeightedConsistency.Loss(input, target, probability: CwcProbability.Softmax2);
        Assert.Equal(1.35 * Ln2, loss.item<float>(), 4);
        loss.backward();
        Assert.Null(target.grad);
    }

    [Fact]
    public void ConsistencyReadsLogitsAsTheBceDoesWhateverChannelZeroIs()
    {
        using var scope = NewDisposeScope();
        // Only z1 is supervised by the BCE; with the default reading, channel 0 must not matter.
        var input = Logits((0, 0.5), (0, -2), (0, 1));
        var target = Logits((0, Ln9), (0, -Ln9), (0, 0.1));
        var reference = ConfidenceWeightedConsistency.Loss(input, target).item<float>();
        // target A: sigmoid(ln 9) = 0.9 (y = 1), B: 0.1 (y = 0); both positive and negative; C uncertain
        Assert.True(reference > 0);
        var shiftedInput = Logits((-6, 0.5), (4, -2), (9, 1));
        var shiftedTarget = Logits((8, Ln9), (-7, -Ln9), (3, 0.1));
        Assert.Equal(reference, ConfidenceWeightedConsistency.Loss(shiftedInput, shiftedTarget).item<float>(), 5);
        Assert.Equal(reference, ConfidenceWeightedConsistency.Loss(input, shiftedTarget).item<float>(), 5);
    }

    [Fact]
    public void ConsistencyWithNoConfidentPixelIsZero()
    {
        using var scope = NewDisposeScope();
        var loss = ConfidenceWeightedConsistency.Loss(Logits((3, 1), (0, 2)), Logits((0, 0), (0.1, 0)), probability: CwcProbability.Softmax2);
        Assert.Equal(0f, loss.item<float>());
    }

    [Fact]
    public void CrossLevelConsistencyIsTheNegativeAgreementWithTheOtherLevel()
    {
        using var scope = NewDisposeScope();
        // level 0: propagated q0 = sigma(0) = 1/2, plain p0 = sigma(ln 3) = 3/4
        // level 1: propagated q1 = sigma(ln 3) = 3/4, plain p1 = sigma(0) = 1/2
        // term(0,1) = -(1/2 * 1/2 + 1/2 * 1/2) = -1/2; term(1,0) = -(1/4 * 1/4 + 3/4 * 3/4) = -5/8
        var loss = CrossLevelConsistency.Loss([Row(0), Row((float)Ln3)], [Row((float)Ln3), Row(0)]);
        Assert.Equal(-1.125, loss.item<float>(), 5);
    }

    [Fact]
    public void RampUpFollowsExpMinusFiveOneMinusTSquared()
    {
        Assert.Equal(Math.Exp(-5), RampUp.Weight(0, 4000), 12);
        Assert.Equal(Math.Exp(-5 * 0.25), RampUp.Weight(2000, 4000), 12);
        Assert.Equal(Math.Exp(-5 * 0.0625), RampUp.Weight(3000, 4000), 12);
        Assert.Equal(1.0, RampUp.Weight(4000, 4000), 12);
        Assert.Equal(1.0, RampUp.Weight(15000, 4000), 12);
        Assert.Equal(1.0, RampUp.Weight(0, 0), 12);
    }
}
