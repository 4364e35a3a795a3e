using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks;

/// <summary>
/// The five encoder outputs of a BasicUNet: X0 at full size with features[0] channels, X1..X4
/// at 1/2 .. 1/16 size with features[1..4] channels.
/// </summary>
public sealed record EncoderFeatures(Tensor X0, Tensor X1, Tensor X2, Tensor X3, Tensor X4) : IDisposable
{
    public void Dispose()
    {
        X0.Dispose();
        X1.Dispose();
        X2.Dispose();
        X3.Dispose();
        X4.Dispose();
    }
}
