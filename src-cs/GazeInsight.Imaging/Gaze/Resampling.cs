namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Bicubic resize of a single-channel float map, as OpenCV's <c>INTER_CUBIC</c>: half-pixel
/// centres (<c>src = (dst + 0.5) * scale - 0.5</c>), cubic convolution with a = -0.75, edge pixels
/// replicated, no anti-aliasing. Used for the gaze heatmap's canvas-to-image step, whose smooth
/// maps need no anti-aliasing.
/// </summary>
public static class Resampling
{
    private const double A = -0.75;

    /// <summary>Resizes a row-major srcHeight*srcWidth map to dstHeight*dstWidth.</summary>
    public static float[] Bicubic(ReadOnlySpan<float> source, int srcWidth, int srcHeight, int dstWidth, int dstHeight)
    {
        if (srcWidth < 1 || srcHeight < 1 || dstWidth < 1 || dstHeight < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(srcWidth), $"sizes must be positive, got {srcWidth}x{srcHeight} -> {dstWidth}x{dstHeight}");
        }
        if (source.Length != srcWidth * srcHeight)
        {
            throw new ArgumentException($"source has {source.Length} values, expected {srcWidth}x{srcHeight}", nameof(source));
        }
        (int[] xIndex, double[] xWeight) = Taps(srcWidth, dstWidth);
        (int[] yIndex, double[] yWeight) = Taps(srcHeight, dstHeight);

        // Horizontal pass on the source rows the vertical taps read (a few per output row when
        // shrinking a 768 canvas), then vertical.
        var needed = new bool[srcHeight];
        foreach (int y in yIndex)
        {
            needed[y] = true;
        }
        var rows = new double[srcHeight * dstWidth];
        for (int y = 0; y < srcHeight; y++)
        {
            if (!needed[y])
            {
                continue;
            }
            ReadOnlySpan<float> row = source.Slice(y * srcWidth, srcWidth);
            for (int x = 0; x < dstWidth; x++)
            {
                double sum = 0;
                for (int t = 0; t < 4; t++)
                {
                    sum += xWeight[x * 4 + t] * row[xIndex[x * 4 + t]];
                }
                rows[y * dstWidth + x] = sum;
            }
        }
        var result = new float[dstHeight * dstWidth];
        for (int y = 0; y < dstHeight; y++)
        {
            for (int x = 0; x < dstWidth; x++)
            {
                double sum = 0;
                for (int t = 0; t < 4; t++)
                {
                    sum += yWeight[y * 4 + t] * rows[yIndex[y * 4 + t] * dstWidth + x];
                }
                result[y * dstWidth + x] = (float)sum;
            }
        }
        return result;
    }

    /// <summary>Four source indices and weights per destination position.</summary>
    private static (int[] Index, double[] Weight) Taps(int srcSize, int dstSize)
    {
        double scale = (double)srcSize / dstSize;
        var index = new int[dstSize * 4];
        var weight = new double[dstSize * 4];
        for (int d = 0; d < dstSize; d++)
        {
            double position = (d + 0.5) * scale - 0.5;
            int floor = (int)Math.Floor(position);
            double t = position - floor;
            double w0 = ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A;
            double w1 = ((A + 2) * t - (A + 3)) * t * t + 1;
            double w2 = ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1;
            double w3 = 1 - w0 - w1 - w2;
            double[] w = [w0, w1, w2, w3];
            for (int k = 0; k < 4; k++)
            {
                index[d * 4 + k] = Math.Clamp(floor - 1 + k, 0, srcSize - 1);
                weight[d * 4 + k] = w[k];
            }
        }
        return (index, weight);
    }
}
