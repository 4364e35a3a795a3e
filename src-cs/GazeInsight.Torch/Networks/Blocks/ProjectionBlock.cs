using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks.Blocks;

/// <summary>
/// The released code's distillation projection: proj = [1x1 conv, BN, ReLU, 1x1 conv, BN] at a
/// constant width. Checkpoint keys: proj.0.*, proj.1.*, proj.3.*, proj.4.* (proj.2 is the ReLU).
/// </summary>
public sealed class ProjectionBlock : nn.Module<Tensor, Tensor>
{
    private readonly Sequential proj;

    /// <param name="channels">Input and output channels C_s.</param>
    public ProjectionBlock(int channels) : base(nameof(ProjectionBlock))
    {
        proj = nn.Sequential(
            ("0", nn.Conv2d(channels, channels, kernel_size: 1)),
            ("1", nn.BatchNorm2d(channels)),
            ("2", nn.ReLU()),
            ("3", nn.Conv2d(channels, channels, kernel_size: 1)),
            ("4", nn.BatchNorm2d(channels)));
        RegisterComponents();
    }

    /// <summary>[B, C, h, w] -> [B, C, h, w].</summary>
    public override Tensor forward(Tensor input) => proj.forward(input);
}
