using GazeInsight.Torch.Networks.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks;

/// <summary>
/// One GazeMedSeg level: a BasicUNet "encoder" giving the feature map (128 channels in the
/// paper) and a 1x1 "classifier" to one logit. Keys: encoder.*, classifier.*.
/// </summary>
public sealed class GazeLevelNet : nn.Module<Tensor, Tensor>
{
    private readonly BasicUNet encoder;
    private readonly Conv2d classifier;

    public GazeLevelNet(int inChannels, IReadOnlyList<int> features, int featureSize = 128) : base(nameof(GazeLevelNet))
    {
        encoder = new BasicUNet(inChannels, featureSize, features);
        classifier = OutputHead.Classifier(featureSize, 1);
        RegisterComponents();
    }

    /// <summary>Logit [B, 1, H, W].</summary>
    public override Tensor forward(Tensor input)
    {
        using var features = encoder.forward(input);
        return classifier.forward(features);
    }

    /// <summary>Logits and propagated logits, both [B, 1, H, W].</summary>
    public (Tensor Logits, Tensor Propagated) Run(Tensor input)
    {
        using var scope = NewDisposeScope();
        var features = encoder.forward(input);
        var logits = classifier.forward(features);
        var propagated = FeaturePropagation.PropagatedLogits(features, classifier.weight!, classifier.bias!);
        return (logits.MoveToOuterDisposeScope(), propagated.MoveToOuterDisposeScope());
    }

    /// <summary>Starts the lesion logit at the log-odds of <paramref name="foregroundFraction"/> (<see cref="Blocks.OutputHead.SetLesionPrior"/>).</summary>
    public void SetForegroundPrior(double foregroundFraction) => Blocks.OutputHead.SetLesionPrior(classifier, foregroundFraction);
}
