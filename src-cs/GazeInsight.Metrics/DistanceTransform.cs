namespace GazeInsight.Metrics;

/// <summary>
/// Exact Euclidean distance transform with anisotropic spacing, in linear time: one pass per
/// axis, the first a two-sweep scan along the contiguous axis, the others the lower envelope of
/// parabolas of Felzenszwalb and Huttenlocher ("Distance Transforms of Sampled Functions", 2012).
/// Distances are between voxel centres in physical units.
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

        if (total != features.Length)
        {
            throw new ArgumentException($"features has {features.Length} voxels, shape holds {total}", nameof(features));
        }

        var d = new double[features.Length];
        int last = shape[^1];
        ScanContiguous(features, d, last, spacing[^1] * spacing[^1]);

        var scratch = new Envelope(longest);
        int stride = last;
        for (int axis = shape.Length - 2; axis >= 0; axis--)
        {
            EnvelopeAlong(d, shape[axis], stride, spacing[axis] * spacing[axis], scratch);
            stride *= shape[axis];
        }

        return d;
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

    /// <summary>1D distance along rows of length n to the nearest feature in the same row.</summary>
    private static void ScanContiguous(ReadOnlySpan<byte> features, double[] d, int n, double w2)
    {
        for (int start = 0; start < features.Length; start += n)
        {
            var f = features.Slice(start, n);
            var row = d.AsSpan(start, n);
            int nearest = -1;
            for (int q = 0; q < n; q++)
            {
                if (f[q] != 0)
                {
                    nearest = q;
                }

                row[q] = nearest < 0 ? double.PositiveInfinity : q - nearest;
            }

            nearest = -1;
            for (int q = n - 1; q >= 0; q--)
            {
                if (f[q] != 0)
                {
                    nearest = q;
                }

                if (nearest >= 0 && nearest - q < row[q])
                {
                    row[q] = nearest - q;
                }
            }

            for (int q = 0; q < n; q++)
            {
                double k = row[q];
                row[q] = k * k * w2;
            }
        }
    }

    private static void EnvelopeAlong(double[] d, int n, int stride, double w2, Envelope e)
    {
        int block = n * stride;
        for (int start = 0; start < d.Length; start += block)
        {
            for (int j = 0; j < stride; j++)
            {
                int first = start + j;
                bool any = false;
                for (int c = 0; c < n; c++)
                {
                    double value = d[first + c * stride];
                    e.F[c] = value;
                    any |= !double.IsPositiveInfinity(value);
                }

                if (!any)
                {
                    continue;
                }

                e.Transform(n, w2);
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

        /// <summary>D[q] = min over p of w2 (q - p)² + F[p]; sites with F = +∞ are skipped.</summary>
        public void Transform(int n, double w2)
        {
            int k = -1;
            for (int q = 0; q < n; q++)
            {
                double fq = F[q];
                if (double.IsPositiveInfinity(fq))
                {
                    continue;
                }

                if (k < 0)
                {
                    k = 0;
                    v[0] = q;
                    z[0] = double.NegativeInfinity;
                    z[1] = double.PositiveInfinity;
                    continue;
                }

                double s;
                while (true)
                {
                    int p = v[k];
                    // Where the parabolas rooted at p and q meet.
                    s = ((fq + w2 * q * q) - (F[p] + w2 * p * p)) / (2.0 * w2 * (q - p));
                    if (s > z[k])
                    {
                        break;
                    }

                    k--;
                }

                k++;
                v[k] = q;
                z[k] = s;
                z[k + 1] = double.PositiveInfinity;
            }

            k = 0;
            for (int q = 0; q < n; q++)
            {
                while (z[k + 1] < q)
                {
                    k++;
                }

                double dq = q - v[k];
                D[q] = w2 * dq * dq + F[v[k]];
            }
        }
    }
}
