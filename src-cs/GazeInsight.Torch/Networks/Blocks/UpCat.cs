using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks.Blocks;

/// <summary>
/// MONAI's UpCat: 2x2 stride-2 transposed conv (upsample.deconv), concatenation [skip, upsampled],
/// then <see cref="TwoConv"/> (convs). With <c>halves</c> the upsampling halves the channels.
/// </summary>
public sealed class UpCat : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Sequential upsample;
    private readonly TwoConv convs;

    public UpCat(int inChannels, int skipChannels, int outChannels, bool halves = true) : base(nameof(UpCat))
    {
        var upChannels = halves ? inChannels / 2 : inChannels;
        upsample = nn.Sequential(("deconv", nn.ConvTranspose2d(inChannels, upChannels, kernel_size: 2, stride: 2)));
        convs = new TwoConv(skipChannels + upChannels, outChannels);
        RegisterComponents();
    }

    /// <param name="input">[B, in, h, w] decoder input.</param>
    /// <param name="skip">[B, skip, 2h(+1), 2w(+1)] encoder feature.</param>
    public override Tensor forward(Tensor input, Tensor skip)
    {
        using var scope = NewDisposeScope();
        var up = upsample.forward(input);
        // odd skip sizes: pad the upsampled map by one at the end, replicating its border
        long padH = skip.shape[2] - up.shape[2], padW = skip.shape[3] - up.shape[3];
        if (padH != 0 || padW != 0)
            up = nn.functional.pad(up, [0, padW, 0, padH], PaddingModes.Replicate);
        return convs.forward(cat([skip, up], dim: 1)).MoveToOuterDisposeScope();
    }
}
