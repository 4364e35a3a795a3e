using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks.Blocks;

/// <summary>
/// He (variance-preserving) initialisation for the 1x1 convolutions of the output tail
/// (final_conv, head.0, head.2), which no normalisation layer follows. PyTorch's default
/// (Kaiming-uniform with a = sqrt(5)) gives each layer weights of variance 1/(3 fan_in), so each of
/// these layers shrinks its signal's variance about threefold: at init the logits barely vary
/// over the image (std ~0.05) and the gradient reaching the encoder is attenuated as much,
/// which is why short runs sat at "no lesion anywhere" for 50-100 iterations on some seeds.
/// The encoder's convolutions keep the default: GroupNorm follows each of them.
/// </summary>
public static class Initialisation
{
    /// <summary>He gain for an input that went through LeakyReLU(0.1): sqrt(2 / (1 + 0.1^2)).</summary>
    public static readonly double AfterLeakyRelu = Math.Sqrt(2 / (1 + 0.1 * 0.1));

    /// <summary>Gain for an input straight from a linear layer.</summary>
    public const double AfterLinear = 1.0;

    /// <summary>Weights ~ N(0, gain^2 / fan_in), bias 0.</summary>
    public static Conv2d HeNormal(Conv2d conv, double gain)
    {
        var weight = conv.weight ?? throw new ArgumentException("the convolution has no weight");
        var fanIn = weight.shape[1] * weight.shape[2] * weight.shape[3];
        using (no_grad())
        {
            weight.normal_(0, gain / Math.Sqrt(fanIn));
            conv.bias?.zero_();
        }
        return conv;
    }
}
