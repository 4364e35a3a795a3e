using GazeInsight.Torch.Networks;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Networks;

public class BasicUNetTests
{
    private static readonly int[] Tiny = [8, 8, 16, 32, 64, 8];

    [Fact]
    public void StateDictUsesMonaiNames()
    {
        using var net = new BasicUNet(3, 2, Tiny);
        var keys = net.state_dict().Keys.ToHashSet();
        string[] expected =
        [
            "conv_0.conv_0.conv.weight", "conv_0.conv_0.conv.bias", "conv_0.conv_0.adn.N.weight", "conv_0.conv_0.adn.N.bias",
            "conv_0.conv_1.conv.weight", "down_1.convs.conv_0.conv.weight", "down_4.convs.conv_1.adn.N.bias",
            "upcat_4.upsample.deconv.weight", "upcat_4.upsample.deconv.bias", "upcat_4.convs.conv_0.conv.weight",
            "upcat_1.convs.conv_1.adn.N.weight", "final_conv.weight", "final_conv.bias",
        ];
        foreach (var key in expected) Assert.Contains(key, keys);
    }

    [Fact]
    public void ShapesFollowTheFeaturesTuple()
    {
        using var net = new BasicUNet(3, 2, Tiny);
        using var x = randn(2, 3, 32, 32);
        using var features = net.Encode(x);
        Assert.Equal(new long[] { 2, 8, 32, 32 }, features.X0.shape);
        Assert.Equal(new long[] { 2, 64, 2, 2 }, features.X4.shape);
        using var y = net.Decode(features);
        Assert.Equal(new long[] { 2, 2, 32, 32 }, y.shape);
        // upcat_1 does not halve: its deconv maps features[1] -> features[1]
        var deconv = net.state_dict()["upcat_1.upsample.deconv.weight"];
        Assert.Equal(new long[] { 8, 8, 2, 2 }, deconv.shape);
        // upcat_1's TwoConv sees [x0 (8), up (8)] = 16 channels and gives features[5]
        Assert.Equal(new long[] { 8, 16, 3, 3 }, net.state_dict()["upcat_1.convs.conv_0.conv.weight"].shape);
    }

    [Fact]
    public void OddInputSizesArePaddedLikeMonai()
    {
        using var net = new BasicUNet(1, 1, Tiny);
        using var x = randn(1, 1, 36, 20);
        using var y = net.forward(x);
        Assert.Equal(new long[] { 1, 1, 36, 20 }, y.shape);
    }

    [Fact]
    public void FeaturesMustSuitGroupNorm()
    {
        Assert.Throws<ArgumentException>(() => new BasicUNet(1, 1, [8, 8, 16, 32, 64]));
        Assert.Throws<ArgumentException>(() => new BasicUNet(1, 1, [8, 8, 16, 30, 64, 8]));
    }

    [Fact]
    public void SegmentationNetUsesReleasedCheckpointNames()
    {
        using var net = new SegmentationNet(3, Tiny, featureSize: 16);
        var keys = net.state_dict().Keys.ToHashSet();
        foreach (var key in new[] { "encoder.conv_0.conv_0.conv.weight", "encoder.final_conv.weight", "head.0.weight", "head.2.weight", "classifier.weight" })
            Assert.Contains(key, keys);
        using var y = net.forward(randn(1, 3, 16, 16));
        Assert.Equal(new long[] { 1, 2, 16, 16 }, y.shape);
    }
}
