using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks.Blocks;

/// <summary>MONAI's Down: 2x2 max-pooling then <see cref="TwoConv"/> (max_pooling, convs).</summary>
public sealed class Down : nn.Module<Tensor, Tensor>
{
    private readonly MaxPool2d max_pooling;
    private readonly TwoConv convs;

    public Down(int inChannels, int outChannels) : base(nameof(Down))
    {
        max_pooling = nn.MaxPool2d(kernel_size: 2);
        convs = new TwoConv(inChannels, outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var pooled = max_pooling.forward(input);
        return convs.forward(pooled);
    }
}
