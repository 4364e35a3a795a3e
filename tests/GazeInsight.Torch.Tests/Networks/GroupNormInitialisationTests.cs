using GazeInsight.Torch.Networks.Blocks;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Networks;

public class GroupNormInitialisationTests
{
    [Fact]
    public void GroupNormStartsAsIdentityAffine()
    {
        // many allocations: uninitialised memory would show up as garbage in at least one
        for (var i = 0; i < 50; i++)
        {
            using var norm = Normalization.GroupNorm(4, 64);
            Assert.True(norm.weight!.eq(1).all().item<bool>(), "weight must be all ones");
            Assert.True(norm.bias!.eq(0).all().item<bool>(), "bias must be all zeros");
        }
    }

    [Fact]
    public void GroupsMustDivideChannels()
    {
        var error = Assert.Throws<ArgumentException>(() => Normalization.GroupNorm(4, 6));
        Assert.Contains("4 and 6", error.Message);
    }
}
