namespace GazeInsight.Torch.Data;

/// <summary>A ground-truth mask at its native size (row-major, 0/1), kept for evaluation.</summary>
public sealed record NativeMask(string Id, int Height, int Width, byte[] Pixels);
