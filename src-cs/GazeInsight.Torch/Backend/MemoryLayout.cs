using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Backend;

/// <summary>
/// Channels-last (NHWC) memory order for 4-D tensors. TorchSharp 0.107 has the
/// <c>torch.memory_format</c> names but no <c>contiguous(memory_format)</c> or
/// <c>to(memory_format)</c> that takes them; libtorch recognises the format from the strides
/// alone, so a tensor laid out NHWC and viewed as NCHW is what PyTorch's
/// <c>contiguous(memory_format=torch.channels_last)</c> returns, and the convolution and
/// normalisation kernels keep their outputs in it.
/// </summary>
public static class MemoryLayout
{
    /// <summary>A channels-last copy of a 4-D tensor (the same values and shape); other ranks are returned as an alias.</summary>
    public static Tensor ChannelsLast(Tensor x) =>
        x.dim() == 4 ? x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x.alias();

    /// <summary>Whether a 4-D tensor is stored densely in NHWC order (PyTorch's is_contiguous(memory_format=channels_last)).</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        if (x.dim() != 4) return false;
        var size = x.shape;
        var stride = x.stride();
        long expected = 1;
        // innermost first: C, W, H, N; a dimension of size 1 may have any stride
        foreach (var d in new[] { 1, 3, 2, 0 })
        {
            if (size[d] != 1 && stride[d] != expected) return false;
            expected *= size[d];
        }
        return true;
    }

    /// <summary>
    /// Re-stores every 4-D parameter of <paramref name="module"/> (convolution weights) in
    /// channels-last order, in place, so that optimisers built afterwards and their state
    /// (zeros_like keeps the layout) see the same tensors.
    /// </summary>
    public static void ToChannelsLast(nn.Module module)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var parameter in module.parameters())
        {
            if (parameter.dim() == 4 && !IsChannelsLast(parameter)) parameter.set_(ChannelsLast(parameter));
        }
    }
}
