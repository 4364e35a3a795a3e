using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks.Blocks;

/// <summary>MONAI's TwoConv: two <see cref="Convolution"/> blocks (conv_0, conv_1).</summary>
public sealed class TwoConv : nn.Module<Tensor, Tensor>
{
    private readonly Convolution conv_0;
    private readonly Convolution conv_1;

    public TwoConv(int inChannels, int outChannels) : base(nameof(TwoConv))
    {
        conv_0 = new Convolution(inChannels, outChannels);
        conv_1 = new Convolution(outChannels, outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var hidden = conv_0.forward(input);
        return conv_1.forward(hidden);
    }
}
