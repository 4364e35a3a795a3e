using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks.Blocks;

/// <summary>The released code's output parts, shared by teacher, student and the baselines.</summary>
public static class OutputHead
{
    /// <summary>"head": 1x1 conv, LeakyReLU 0.1, 1x1 conv (keys head.0.*, head.2.*).</summary>
    public static Sequential Head(int featureSize) => nn.Sequential(
        ("0", nn.Conv2d(featureSize, featureSize, kernel_size: 1)),
        ("1", nn.LeakyReLU(0.1)),
        ("2", nn.Conv2d(featureSize, featureSize, kernel_size: 1)));

    /// <summary>"classifier": 1x1 conv to the logit channels.</summary>
    public static Conv2d Classifier(int featureSize, int classes) => nn.Conv2d(featureSize, classes, kernel_size: 1);
}
