namespace GazeInsight.Metrics;

/// <summary>
/// Exact Euclidean distance transform with anisotropic spacing, in linear time, separable:
/// one pass per axis. The first axis gets a two-sweep scan (nearest feature on the same line),
/// which runs over whole contiguous planes at once; every other axis gets the lower envelope of
/// parabolas of Felzenszwalb and Huttenlocher ("Distance Transforms of Sampled Functions",
/// Theory of Computing 2012), the last one on contiguous rows. Distances are between voxel
/// centres in physical units.
/// </summary>
public static class DistanceTransform
{
    /// <summary>
    /// Squared distance from every voxel to the nearest feature (nonzero) voxel;
    /// +∞ everywhere when there is no feature.
    /// </summary>
    /// <param name="features">C-ordered voxels, nonzero = feature.</param>
    /// <param name="shape">Axis sizes (any rank &gt;= 1).</param>
    /// <param name="spacing">Physical voxel size per axis.</param>
    /// <returns>Squared distances, C order, same length as <paramref name="features"/>.</returns>
    /// <exception cref="ArgumentException">Inconsistent lengths.</exception>
    public static double[] SquaredEuclidean(ReadOnlySpan<byte> features, ReadOnlySpan<int> shape, ReadOnlySpan<double> spacing)
    {
        var d = new double[features.Length];
        SquaredEuclidean(features, shape, spacing, d);
        return d;
    }

    /// <summary>As <see cref="SquaredEuclidean(ReadOnlySpan{byte}, ReadOnlySpan{int}, ReadOnlySpan{double})"/>, into a caller's buffer of the same length.</summary>
    /// <exception cref="ArgumentException">Inconsistent lengths.</exception>
    public static void SquaredEuclidean(ReadOnlySpan<byte> features, ReadOnlySpan<int> shape, ReadOnlySpan<double> spacing, Span<double> output) =>
        SquaredEuclidean(features, shape, spacing, output, ReadOnlySpan<byte>.Empty);

    /// <summary>
    /// As above, but only the voxels where <paramref name="queries"/> is nonzero are guaranteed
    /// (empty span = all): rows of the last axis without a query skip the final pass.
    /// </summary>
    internal static void SquaredEuclidean(
        ReadOnlySpan<byte> features, ReadOnlySpan<int> shape, ReadOnlySpan<double> spacing, Span<double> output, ReadOnlySpan<byte> queries)
    {
        if (shape.Length == 0 || spacing.Length != shape.Length)
        {
            throw new ArgumentException($"shape has {shape.Length} axes, spacing {spacing.Length}", nameof(spacing));
        }

        long total = 1;
        int longest = 1;
        foreach (int n in shape)
        {
            total *= n;
            longest = Math.Max(longest, n);
        }

        if (total != features.Length || output.Length != features.Length)
        {
            throw new ArgumentException(
                $"shape holds {total} voxels, features has {features.Length}, output {output.Length}", nameof(features));
        }

        ScanFirstAxis(features, output, shape[0], (int)(total / shape[0]), spacing[0] * spacing[0]);
        if (shape.Length == 1)
        {
            return;
        }

        var envelope = new Envelope(longest);
        // Axes 1 .. rank-1, innermost last so that the final pass reads contiguous rows.
        for (int axis = 1; axis < shape.Length; axis++)
        {
            int inner = 1;
            for (int b = axis + 1; b < shape.Length; b++)
            {
                inner *= shape[b];
            }

            bool last = axis == shape.Length - 1;
            EnvelopeAlong(output, shape[axis], inner, spacing[axis] * spacing[axis], envelope, last ? queries : default);
        }
    }

    /// <summary>Distance from every voxel of the grid to the nearest foreground voxel of <paramref name="features"/>.</summary>
    public static double[] Euclidean(BinaryMask features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var d = SquaredEuclidean(features.Data, features.Shape.ToArray(), features.Spacing.ToArray());
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = Math.Sqrt(d[i]);
        }

        return d;
    }

    /// <summary>
    /// Along axis 0 (n planes of <paramref name="plane"/> voxels): squared distance to the nearest
    /// feature on the same line, by a forward and a backward sweep over whole planes.
    /// </summary>
    private static void ScanFirstAxis(ReadOnlySpan<byte> f, Span<double> d, int n, int plane, double w2)
    {
        for (int j = 0; j < plane; j++)
        {
            d[j] = f[j] != 0 ? 0.0 : double.PositiveInfinity;
        }

        for (int r = 1; r < n; r++)
        {
            var row = d.Slice(r * plane, plane);
            var previous = d.Slice((r - 1) * plane, plane);
            var fr = f.Slice(r * plane, plane);
            for (int j = 0; j < plane; j++)
            {
                row[j] = fr[j] != 0 ? 0.0 : previous[j] + 1.0;
            }
        }

        for (int r = n - 2; r >= 0; r--)
        {
            var row = d.Slice(r * plane, plane);
            var next = d.Slice((r + 1) * plane, plane);
            for (int j = 0; j < plane; j++)
            {
                row[j] = Math.Min(row[j], next[j] + 1.0);
            }
        }

        for (int i = 0; i < d.Length; i++)
        {
            d[i] = d[i] * d[i] * w2;
        }
    }

    private static void EnvelopeAlong(Span<double> d, int n, int stride, double w2, Envelope e, ReadOnlySpan<byte> queries)
    {
        int block = n * stride;
        for (int start = 0; start < d.Length; start += block)
        {
            if (stride == 1)
            {
                if (!queries.IsEmpty && queries.Slice(start, n).IndexOfAnyExcept((byte)0) < 0)
                {
                    // Nobody reads this row: leave it half-transformed.
                    continue;
                }

                var line = d.Slice(start, n);
                line.CopyTo(e.F);
                e.Transform(n, w2, line);
                continue;
            }

            for (int j = 0; j < stride; j++)
            {
                int first = start + j;
                for (int c = 0; c < n; c++)
                {
                    e.F[c] = d[first + c * stride];
                }

                e.Transform(n, w2, e.D);
                for (int c = 0; c < n; c++)
                {
                    d[first + c * stride] = e.D[c];
                }
            }
        }
    }

    /// <summary>Scratch buffers of the 1D lower-envelope transform, reused along one axis.</summary>
    private sealed class Envelope(int capacity)
    {
        public readonly double[] F = new double[capacity];
        public readonly double[] D = new double[capacity];
        private readonly int[] v = new int[capacity];
        private readonly double[] z = new double[capacity + 1];

        /// <summary>output[q] = min over p of w2 (q - p)² + F[p]; sites with F = +∞ are skipped.</summary>
        public void Transform(int n, double w2, Span<double> output)
        {
            int k = -1;
            double s = 0;
            for (int q = 0; q < n; q++)
            {
                double fq = F[q];
                if (double.IsPositiveInfinity(fq))
                {
                    continue;
                }

                double hq = fq + w2 * q * q;
                while (k >= 0)
                {
                    int p = v[k];
                    // Where the parabolas rooted at p and q meet.
                    s = (hq - (F[p] + w2 * p * p)) / (2.0 * w2 * (q - p));
                    if (s > z[k])
                    {
                        break;
                    }

                    k--;
                }

                k++;
                v[k] = q;
                z[k] = k == 0 ? double.NegativeInfinity : s;
                z[k + 1] = double.PositiveInfinity;
            }

            if (k < 0)
            {
                output.Slice(0, n).Fill(double.PositiveInfinity);
                return;
            }

            k = 0;
            for (int q = 0; q < n; q++)
            {
                while (z[k + 1] < q)
                {
                    k++;
                }

                double dq = q - v[k];
                output[q] = w2 * dq * dq + F[v[k]];
            }
        }
    }
}
