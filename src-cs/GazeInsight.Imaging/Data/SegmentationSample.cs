namespace GazeInsight.Imaging.Data;

/// <summary>
/// One image of a data set at its native size.
/// <para>Mask: Height*Width, 1 = lesion, 0 = background (row-major).</para>
/// <para>GazeMap: Height*Width soft gaze map in [0,1] (null where the data set has none).</para>
/// </summary>
public sealed record SegmentationSample(string Id, RasterImage Image, byte[] Mask, float[]? GazeMap);
