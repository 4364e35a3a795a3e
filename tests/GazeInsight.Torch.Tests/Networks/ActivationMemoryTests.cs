using GazeInsight.Torch.Networks.Blocks;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Networks;

public class ActivationMemoryTests
{
    // MONAI's ADN runs LeakyReLU in place: its backward reads the sign from the output, so the
    // GroupNorm output need not be kept. A TwoConv then holds four maps of its output's size for
    // backward (each conv's output, read by GroupNorm; each activation, read by the next conv or
    // returned), not six.
    [Fact]
    public void TwoConvHoldsFourOutputSizedMapsForBackward()
    {
        const int channels = 16, side = 256;   // 4 MiB per map: far above the allocator's small change
        using var block = new TwoConv(channels, channels);
        using var scope = NewDisposeScope();
        var input = randn(1, channels, side, side, requires_grad: true);
        block.forward(input).sum().backward();   // warm-up: one-off buffers of the convolution code
        input.grad!.Dispose();
        input.grad = null;
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var before = NativeHeap.InUseBytes();
        var output = block.forward(input);
        var held = (NativeHeap.InUseBytes() - before) / (double)(output.numel() * sizeof(float));
        Assert.InRange(held, 3.5, 4.5);
        output.sum().backward();
    }

    // The in-place activation computes what the out-of-place composition does, forward and backward.
    [Fact]
    public void ConvolutionMatchesConvGroupNormLeakyReluOutOfPlace()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var block = new Convolution(4, 8);
        var p = block.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        using (no_grad())
        {
            p["adn.N.weight"].uniform_(0.5, 1.5);   // away from the initial ones and zeros
            p["adn.N.bias"].uniform_(-0.5, 0.5);
        }
        var x = randn(2, 4, 12, 12, requires_grad: true);
        var upstream = randn(2, 8, 12, 12);
        var y = block.forward(x);
        (y * upstream).sum().backward();
        var gradBlock = x.grad!.clone();
        var weightGradBlock = p["conv.weight"].grad!.clone();

        x.grad = null;
        block.zero_grad();
        var reference = nn.functional.leaky_relu(
            nn.functional.group_norm(nn.functional.conv2d(x, p["conv.weight"], p["conv.bias"], padding: [1, 1]), 4, p["adn.N.weight"], p["adn.N.bias"], 1e-5),
            0.1);
        (reference * upstream).sum().backward();

        Assert.True(y.allclose(reference, rtol: 0, atol: 1e-6));
        Assert.True(gradBlock.allclose(x.grad!, rtol: 0, atol: 1e-6));
        Assert.True(weightGradBlock.allclose(p["conv.weight"].grad!, rtol: 0, atol: 1e-5));
    }
}
