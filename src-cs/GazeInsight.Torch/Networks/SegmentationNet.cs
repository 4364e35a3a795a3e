using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks;

/// <summary>
/// The released code's single-network segmenter: a BasicUNet "encoder" producing a feature map,
/// a "head" (1x1 conv, LeakyReLU 0.1, 1x1 conv) and a 1x1 "classifier". Used for the fully
/// supervised upper bound and the single-level gaze baseline. Checkpoint keys: encoder.*, head.0.*,
/// head.2.*, classifier.*.
/// </summary>
public sealed class SegmentationNet : nn.Module<Tensor, Tensor>
{
    private readonly BasicUNet encoder;
    private readonly Sequential head;
    private readonly Conv2d classifier;

    /// <param name="inChannels">Image channels.</param>
    /// <param name="features">BasicUNet features tuple.</param>
    /// <param name="featureSize">Channels of the feature map (128 in the paper).</param>
    /// <param name="classes">Logit channels (2 in the released code: channel 1 is the lesion).</param>
    public SegmentationNet(int inChannels, IReadOnlyList<int> features, int featureSize = 128, int classes = 2)
        : base(nameof(SegmentationNet))
    {
        encoder = new BasicUNet(inChannels, featureSize, features);
        head = Blocks.OutputHead.Head(featureSize);
        classifier = Blocks.OutputHead.Classifier(featureSize, classes);
        RegisterComponents();
    }

    /// <summary>Input [B, C, H, W] normalised image; output [B, classes, H, W] logits.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var features = encoder.forward(input);
        return classifier.forward(head.forward(features)).MoveToOuterDisposeScope();
    }

    /// <summary>Starts the lesion logit at the log-odds of <paramref name="foregroundFraction"/> (<see cref="Blocks.OutputHead.SetLesionPrior"/>).</summary>
    public void SetForegroundPrior(double foregroundFraction) => Blocks.OutputHead.SetLesionPrior(classifier, foregroundFraction);
}
