namespace GazeInsight.Imaging.Synthetic;

/// <summary>Generation progress: images written so far out of the total.</summary>
public sealed record SyntheticProgress(int Done, int Total);
