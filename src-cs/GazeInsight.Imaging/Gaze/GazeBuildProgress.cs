namespace GazeInsight.Imaging.Gaze;

/// <summary>Progress of a gaze build: images done out of the total.</summary>
public sealed record GazeBuildProgress(int Done, int Total);
