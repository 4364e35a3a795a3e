namespace GazeInsight.Imaging.Gaze;

/// <summary>A fixation with the 1-based CSV line it came from, for later messages.</summary>
public sealed record FixationRow(int Line, Fixation Fixation);
