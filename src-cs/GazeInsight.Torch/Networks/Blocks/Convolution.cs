using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks.Blocks;

/// <summary>
/// MONAI's Convolution: 3x3 conv (padding 1, bias) followed by "adn" = GroupNorm(N), Dropout(D),
/// LeakyReLU(A). Field names give MONAI's checkpoint keys: conv.weight, adn.N.weight, ...
/// The LeakyReLU runs in place, as MONAI's BasicUNet configures it: its backward reads the sign
/// from its output, so the GroupNorm output is not kept for backward (a third less activation
/// memory per block; the same numbers).
/// </summary>
public sealed class Convolution : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly Sequential adn;

    public Convolution(int inChannels, int outChannels, int normGroups = 4, double negativeSlope = 0.1, double dropout = 0.0)
        : base(nameof(Convolution))
    {
        conv = nn.Conv2d(inChannels, outChannels, kernel_size: 3, padding: 1, bias: true);
        adn = nn.Sequential(
            ("N", Normalization.GroupNorm(normGroups, outChannels)),
            ("D", nn.Dropout(dropout)),
            ("A", nn.LeakyReLU(negativeSlope, inplace: true)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => adn.forward(conv.forward(input));
}
