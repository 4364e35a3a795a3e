using static TorchSharp.torch;

namespace GazeInsight.Torch.Augmentation;

/// <summary>
/// Sampled CutMix parameters: Box [B, 1, H, W] bool, true where sample b takes its donor's
/// pixels; Donor [B] int64, the batch index each sample borrows from.
/// </summary>
public sealed record CutMixSample(Tensor Box, Tensor Donor) : IDisposable
{
    public void Dispose()
    {
        Box.Dispose();
        Donor.Dispose();
    }
}
