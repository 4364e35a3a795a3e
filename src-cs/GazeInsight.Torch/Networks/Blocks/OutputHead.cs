using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks.Blocks;

/// <summary>The released code's output parts, shared by teacher, student and the baselines.</summary>
public static class OutputHead
{
    /// <summary>"head": 1x1 conv, LeakyReLU 0.1 (in place: its input is needed by nothing else), 1x1 conv (keys head.0.*, head.2.*).</summary>
    /// He-initialised (<see cref="Initialisation"/>): its input comes from final_conv (linear), head.2's from the LeakyReLU.
    public static Sequential Head(int featureSize) => nn.Sequential(
        ("0", Initialisation.HeNormal(nn.Conv2d(featureSize, featureSize, kernel_size: 1), Initialisation.AfterLinear)),
        ("1", nn.LeakyReLU(0.1, inplace: true)),
        ("2", Initialisation.HeNormal(nn.Conv2d(featureSize, featureSize, kernel_size: 1), Initialisation.AfterLeakyRelu)));

    /// <summary>"classifier": 1x1 conv to the logit channels.</summary>
    public static Conv2d Classifier(int featureSize, int classes) => nn.Conv2d(featureSize, classes, kernel_size: 1);

    /// <summary>
    /// Starts the classifier at the class prior: the lesion logit's bias (the last channel: channel 1
    /// of two, or the single logit) = log(p / (1 - p)) for the training target's foreground fraction p,
    /// the other biases 0. With the default init every pixel starts near z = 0 (probability 0.5)
    /// although ~10% are lesion; the BCE then spends the first ~50 iterations pushing the bias to
    /// the prior, overshooting with momentum until no pixel is predicted (validation Dice 0).
    /// </summary>
    public static void SetLesionPrior(Conv2d classifier, double foregroundFraction)
    {
        if (!(foregroundFraction >= 0 && foregroundFraction <= 1))
            throw new ArgumentException($"a foreground fraction must be in [0, 1], got {foregroundFraction}");
        // an empty or full target would give an infinite bias; 1e-3 keeps it finite and trainable
        var p = Math.Clamp(foregroundFraction, 1e-3, 1 - 1e-3);
        var bias = classifier.bias ?? throw new ArgumentException("the classifier has no bias");
        using (no_grad())
        {
            bias.zero_();
            bias[^1].fill_(Math.Log(p / (1 - p)));
        }
    }
}
