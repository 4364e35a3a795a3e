namespace GazeInsight.Imaging.Gaze;

/// <summary>The two soft pseudo-mask maps of one image, 8-bit, height*width row-major:
/// the gaze heatmap (<c>gaze/heatmap</c>) and its CRF refinement (<c>gaze/crf_compat1</c>).</summary>
public sealed record GazeMaps(int Width, int Height, byte[] Heatmap, byte[] Crf);
