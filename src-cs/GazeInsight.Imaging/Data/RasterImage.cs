namespace GazeInsight.Imaging.Data;

/// <summary>
/// An image as read from disk: channel-major (CHW) float pixels holding the stored values
/// (0..255 for 8-bit files, raw stored values for DICOM). Normalisation happens at batching.
/// </summary>
public sealed record RasterImage(int Channels, int Height, int Width, float[] Pixels)
{
    public float this[int c, int y, int x] => Pixels[(c * Height + y) * Width + x];
}
