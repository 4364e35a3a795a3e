using System.Numerics;

namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Gaze heatmap of method.md §2: a float canvas (768x768) where each fixation adds its duration
/// at <c>(round(x*768)-1, round(y*768)-1)</c> (round half to even, an index of -1 clamped to 0),
/// a Gaussian blur (scipy-style "reflect" border, i.e. the edge pixel repeated: dcba|abcd|dcba,
/// truncated at <see cref="HeatmapOptions.Radius"/>, weights normalised to sum 1), min-max
/// normalisation to [0,1], and a bicubic resize to the image size.
/// </summary>
/// <remarks>
/// The canvas holds only a handful of non-zero pixels, so instead of convolving 768x768 pixels
/// with a 561-tap kernel twice, the blurred canvas is built as the sum over occupied canvas rows of
/// outer products <c>v_row (x) h_row</c>, where <c>v_row</c> is the vertical response (reflect
/// border folded in) of a unit impulse in that row and <c>h_row</c> the summed horizontal
/// responses of that row's fixations. This is the same linear map as the separable blur, exact up
/// to float rounding, at a cost of (occupied rows) x 768^2 multiply-adds.
/// </remarks>
public static class GazeHeatmap
{
    /// <summary>Canvas index of a normalised coordinate: Python <c>round(v*n)-1</c>, clamped to [0, n-1].</summary>
    public static int CanvasIndex(double normalised, int canvasSize)
    {
        double rounded = Math.Round(normalised * canvasSize, MidpointRounding.ToEven);
        long index = (long)rounded - 1;
        return (int)Math.Clamp(index, 0, canvasSize - 1);
    }

    /// <summary>
    /// The normalised, blurred canvas: CanvasSize*CanvasSize floats in [0,1], row-major (y, x).
    /// All zeros when there is no fixation or the canvas is constant.
    /// </summary>
    public static float[] Canvas(IReadOnlyList<Fixation> fixations, HeatmapOptions options)
    {
        ArgumentNullException.ThrowIfNull(fixations);
        ArgumentNullException.ThrowIfNull(options);
        int n = options.CanvasSize;
        double[] kernel = GaussianKernel(options.Sigma, options.Radius);
        var canvas = new float[n * n];

        var rows = new SortedDictionary<int, double[]>();
        foreach (Fixation f in fixations)
        {
            int cx = CanvasIndex(f.X, n);
            int cy = CanvasIndex(f.Y, n);
            if (!rows.TryGetValue(cy, out double[]? horizontal))
            {
                horizontal = new double[n];
                rows[cy] = horizontal;
            }
            AddImpulseResponse(horizontal, cx, f.DurationMs, kernel);
        }

        var vertical = new double[n];
        var horizontalF = new float[n];
        foreach ((int cy, double[] horizontal) in rows)
        {
            Array.Clear(vertical);
            AddImpulseResponse(vertical, cy, 1.0, kernel);
            for (int x = 0; x < n; x++)
            {
                horizontalF[x] = (float)horizontal[x];
            }
            for (int y = 0; y < n; y++)
            {
                if (vertical[y] != 0)
                {
                    AddScaled(canvas.AsSpan(y * n, n), horizontalF, (float)vertical[y]);
                }
            }
        }

        MinMaxNormalise(canvas);
        return canvas;
    }

    /// <summary>
    /// The soft gaze map at the image's size: height*width floats in [0,1], row-major, from the
    /// canvas by bicubic resize (clamped to [0,1]).
    /// </summary>
    public static float[] Build(IReadOnlyList<Fixation> fixations, int width, int height, HeatmapOptions options)
    {
        float[] canvas = Canvas(fixations, options);
        float[] resized = Resampling.Bicubic(canvas, options.CanvasSize, options.CanvasSize, width, height);
        for (int i = 0; i < resized.Length; i++)
        {
            resized[i] = Math.Clamp(resized[i], 0f, 1f);
        }
        return resized;
    }

    /// <summary>A [0,1] map as 8-bit values: <c>round(v*255)</c>, clamped.</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> map)
    {
        var bytes = new byte[map.Length];
        for (int i = 0; i < map.Length; i++)
        {
            float v = map[i];
            bytes[i] = float.IsNaN(v) ? (byte)0 : (byte)Math.Clamp(MathF.Round(v * 255f, MidpointRounding.ToEven), 0f, 255f);
        }
        return bytes;
    }

    /// <summary>An 8-bit map back to [0,1] floats (<c>v/255</c>).</summary>
    public static float[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        var map = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            map[i] = bytes[i] / 255f;
        }
        return map;
    }

    /// <summary>scipy's gaussian_filter1d weights: exp(-x^2 / 2 sigma^2) for x in [-r, r], summing to 1.</summary>
    internal static double[] GaussianKernel(double sigma, int radius)
    {
        var weights = new double[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++)
        {
            double w = Math.Exp(-0.5 * k * k / (sigma * sigma));
            weights[k + radius] = w;
            sum += w;
        }
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] /= sum;
        }
        return weights;
    }

    /// <summary>
    /// Adds <paramref name="amount"/> times the blurred response of a unit impulse at
    /// <paramref name="position"/> on a line of length n with the reflect border. Reflecting with
    /// the edge repeated makes the extended signal periodic with period 2n; the impulse's images in
    /// that extension sit at position + 2nm and -position-1 + 2nm.
    /// </summary>
    internal static void AddImpulseResponse(double[] line, int position, double amount, double[] kernel)
    {
        int n = line.Length;
        int radius = kernel.Length / 2;
        int period = 2 * n;
        int lowest = -radius;
        int highest = n - 1 + radius;
        foreach (int first in new[] { position, -position - 1 })
        {
            // Smallest image >= lowest.
            int image = first + (int)Math.Ceiling((lowest - first) / (double)period) * period;
            for (; image <= highest; image += period)
            {
                int from = Math.Max(0, image - radius);
                int to = Math.Min(n - 1, image + radius);
                for (int i = from; i <= to; i++)
                {
                    // Output i reads input i+k with weight w[k]; the impulse is at i+k = image.
                    line[i] += amount * kernel[image - i + radius];
                }
            }
        }
    }

    private static void AddScaled(Span<float> destination, ReadOnlySpan<float> source, float scale)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(scale);
            int width = Vector<float>.Count;
            for (; i <= destination.Length - width; i += width)
            {
                var d = new Vector<float>(destination.Slice(i, width));
                var v = new Vector<float>(source.Slice(i, width));
                (d + v * s).CopyTo(destination.Slice(i, width));
            }
        }
        for (; i < destination.Length; i++)
        {
            destination[i] += source[i] * scale;
        }
    }

    internal static void MinMaxNormalise(float[] values)
    {
        if (values.Length == 0)
        {
            return;
        }
        float min = float.PositiveInfinity;
        float max = float.NegativeInfinity;
        foreach (float v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        float range = max - min;
        if (!(range > 0))
        {
            Array.Clear(values);
            return;
        }
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (values[i] - min) / range;
        }
    }
}
