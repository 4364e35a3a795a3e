using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests;

public class NativeLoadTests
{
    [Fact]
    public void LibTorchLoadsAndRunsAConvolution()
    {
        using var input = ones(1, 1, 5, 5);
        using var weight = ones(1, 1, 3, 3);
        using var output = nn.functional.conv2d(input, weight, padding: new long[] { 1, 1 });
        // centre pixel sees the full 3x3 window of ones; a corner sees 2x2
        Assert.Equal(9f, output[0, 0, 2, 2].item<float>());
        Assert.Equal(4f, output[0, 0, 0, 0].item<float>());
    }
}
