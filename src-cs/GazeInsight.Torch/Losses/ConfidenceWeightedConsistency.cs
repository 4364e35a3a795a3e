using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Losses;

/// <summary>
/// CWC (method.md §5), one direction: trains <c>input</c> logits on the detached <c>target</c>
/// logits. With p = softmax(target), y = argmax p: the positive term is the mean over pixels with
/// max p &gt;= tau_pos of max p * CE(input, y); the negative term the mean over pixels with
/// min p &lt; tau_neg of min p * -log(1 - softmax(input)[1 - y]). An empty set contributes 0.
/// Both sets are masks and the counts are clamped, so the loss never reads back from the device.
/// </summary>
public static class ConfidenceWeightedConsistency
{
    /// <summary>
    /// How a network's two-channel logits are read as probabilities. <see cref="CwcProbability.Sigmoid"/>
    /// (default) reads them as the BCE does: channel 1 only, softmax of [0, z1] = sigmoid(z1), so the
    /// unsupervised channel 0 cannot steer CWC. <see cref="CwcProbability.Softmax2"/> is the released
    /// code's softmax over (z0, z1).
    /// </summary>
    public static Tensor AsBinaryLogits(Tensor logits, CwcProbability probability) =>
        probability == CwcProbability.Softmax2
            ? logits
            : cat([zeros_like(logits.narrow(1, 1, 1)), logits.narrow(1, 1, 1)], 1);

    /// <summary>1 - q is clamped here before the log, so a confident wrong input stays finite.</summary>
    public const double LogFloor = 1e-7;

    /// <param name="input">Logits being trained, [B, 2, H, W].</param>
    /// <param name="target">Logits giving the pseudo-label, [B, 2, H, W] (detached here).</param>
    public static Tensor Loss(Tensor input, Tensor target, double tauPositive = 0.8, double tauNegative = 0.2,
        CwcProbability probability = CwcProbability.Sigmoid)
    {
        if (input.shape[1] != 2 || !input.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"consistency needs two-channel logits of equal shape, got [{string.Join(", ", input.shape)}] and [{string.Join(", ", target.shape)}]");
        using var scope = NewDisposeScope();
        input = AsBinaryLogits(input, probability);
        var p = AsBinaryLogits(target.detach(), probability).softmax(1);
        var (pMax, y) = p.max(1);                                        // [B, H, W]
        var pMin = p.min(1).values;
        var logQ = input.log_softmax(1);
        var crossEntropy = -logQ.gather(1, y.unsqueeze(1)).squeeze(1);
        var positive = pMax.ge(tauPositive).to_type(input.dtype);
        var positiveTerm = (pMax * crossEntropy * positive).sum() / positive.sum().clamp_min(1);
        var other = (1 - y).unsqueeze(1);
        var q = logQ.gather(1, other).squeeze(1).exp();
        var negative = pMin.lt(tauNegative).to_type(input.dtype);
        var negativeTerm = (pMin * -(1 - q).clamp_min(LogFloor).log() * negative).sum() / negative.sum().clamp_min(1);
        return (positiveTerm + negativeTerm).MoveToOuterDisposeScope();
    }
}

/// <summary>How CWC reads two-channel logits (see <see cref="ConfidenceWeightedConsistency.AsBinaryLogits"/>).</summary>
public enum CwcProbability { Sigmoid, Softmax2 }
