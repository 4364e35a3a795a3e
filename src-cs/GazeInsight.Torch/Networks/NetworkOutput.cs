using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks;

/// <summary>
/// What a teacher or student pass returns: Logits [B, classes, H, W]; Features, the four
/// alignment features (teacher: D_1..D_4; student: adapted to the teacher's widths), each
/// [B, C_s, H/2^s, W/2^s]; Attention, the teacher's cross-attention maps [B, h_s*w_s, L] per
/// scale when asked for, else empty.
/// </summary>
public sealed record NetworkOutput(Tensor Logits, IReadOnlyList<Tensor> Features, IReadOnlyList<Tensor> Attention) : IDisposable
{
    public void Dispose()
    {
        Logits.Dispose();
        foreach (var f in Features) f.Dispose();
        foreach (var a in Attention) a.Dispose();
    }
}
