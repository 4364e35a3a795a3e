using GazeInsight.Torch.Networks.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks;

/// <summary>
/// MONAI's 2D BasicUNet: conv_0, down_1..down_4, upcat_4..upcat_1, final_conv (1x1), with
/// MONAI's module names so state dicts load both ways. Encoder and decoder are exposed
/// separately so that text fusion (teacher) and feature alignment (student) can sit between them.
/// </summary>
public sealed class BasicUNet : nn.Module<Tensor, Tensor>
{
    private readonly TwoConv conv_0;
    private readonly Down down_1;
    private readonly Down down_2;
    private readonly Down down_3;
    private readonly Down down_4;
    private readonly UpCat upcat_4;
    private readonly UpCat upcat_3;
    private readonly UpCat upcat_2;
    private readonly UpCat upcat_1;
    private readonly Conv2d final_conv;

    /// <param name="inChannels">Image channels.</param>
    /// <param name="outChannels">Channels of final_conv's output.</param>
    /// <param name="features">Six numbers, MONAI's features tuple, e.g. (32, 32, 64, 128, 256, 32).</param>
    public BasicUNet(int inChannels, int outChannels, IReadOnlyList<int> features) : base(nameof(BasicUNet))
    {
        if (features.Count != 6)
            throw new ArgumentException($"BasicUNet needs six feature numbers, got {features.Count}");
        foreach (var f in features)
            if (f <= 0 || f % 4 != 0)
                throw new ArgumentException($"BasicUNet features must be positive multiples of 4 (GroupNorm has 4 groups), got {string.Join(",", features)}");
        Features = features.ToArray();
        conv_0 = new TwoConv(inChannels, features[0]);
        down_1 = new Down(features[0], features[1]);
        down_2 = new Down(features[1], features[2]);
        down_3 = new Down(features[2], features[3]);
        down_4 = new Down(features[3], features[4]);
        upcat_4 = new UpCat(features[4], features[3], features[3]);
        upcat_3 = new UpCat(features[3], features[2], features[2]);
        upcat_2 = new UpCat(features[2], features[1], features[1]);
        upcat_1 = new UpCat(features[1], features[0], features[5], halves: false);
        // no normalisation follows final_conv: He init keeps the feature map's scale (Initialisation)
        final_conv = Initialisation.HeNormal(nn.Conv2d(features[5], outChannels, kernel_size: 1), Initialisation.AfterLeakyRelu);
        RegisterComponents();
    }

    /// <summary>The features tuple this network was built with.</summary>
    public IReadOnlyList<int> Features { get; }

    /// <summary>Encoder pass. Input [B, C, H, W]; see <see cref="EncoderFeatures"/> for shapes.</summary>
    public EncoderFeatures Encode(Tensor input)
    {
        var x0 = conv_0.forward(input);
        var x1 = down_1.forward(x0);
        var x2 = down_2.forward(x1);
        var x3 = down_3.forward(x2);
        var x4 = down_4.forward(x3);
        return new EncoderFeatures(x0, x1, x2, x3, x4);
    }

    /// <summary>Decoder pass from (possibly modified) encoder features; returns [B, out, H, W].</summary>
    public Tensor Decode(EncoderFeatures features)
    {
        using var scope = NewDisposeScope();
        var u4 = upcat_4.forward(features.X4, features.X3);
        var u3 = upcat_3.forward(u4, features.X2);
        var u2 = upcat_2.forward(u3, features.X1);
        var u1 = upcat_1.forward(u2, features.X0);
        return final_conv.forward(u1).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor input)
    {
        using var features = Encode(input);
        return Decode(features);
    }
}
