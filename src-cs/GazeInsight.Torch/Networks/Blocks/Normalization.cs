using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks.Blocks;

/// <summary>Normalisation layers, created initialised.</summary>
public static class Normalization
{
    /// <summary>
    /// GroupNorm with weight 1 and bias 0, as PyTorch initialises it. TorchSharp 0.107 leaves the
    /// affine parameters uninitialised (seen: 1e24, NaN), so every GroupNorm goes through here.
    /// </summary>
    public static GroupNorm GroupNorm(int groups, int channels)
    {
        if (channels % groups != 0)
            throw new ArgumentException($"GroupNorm groups must divide channels, got {groups} and {channels}");
        var norm = nn.GroupNorm(groups, channels, eps: 1e-5, affine: true);
        using (no_grad())
        {
            norm.weight!.fill_(1.0);
            norm.bias!.zero_();
        }
        return norm;
    }
}
