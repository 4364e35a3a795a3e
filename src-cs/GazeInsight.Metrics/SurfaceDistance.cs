using System.Buffers;

namespace GazeInsight.Metrics;

/// <summary>
/// Surface distances between a prediction and a ground truth mask of the same shape and
/// spacing (see <see cref="Surface"/> for what a surface is): HD, HD95, ASD, ASSD, MASD.
/// </summary>
public static class SurfaceDistance
{
    /// <summary>All surface-distance metrics of one pair, computed with the exact EDT.</summary>
    /// <exception cref="ArgumentException">Shapes or spacings differ, or invalid options.</exception>
    public static SurfaceDistanceResult Compute(BinaryMask prediction, BinaryMask truth, SurfaceDistanceOptions? options = null) =>
        Summarize(Directed(prediction, truth), options ?? SurfaceDistanceOptions.Default);

    /// <summary>
    /// The two directed distance sets by the exact distance transform: O(voxels) per pair.
    /// Works on the bounding box of the union of both masks, which holds every surface voxel
    /// and, because the grid outside it is background, gives the same surfaces and distances.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes or spacings differ.</exception>
    public static DirectedDistances Directed(BinaryMask prediction, BinaryMask truth)
    {
        CheckPair(prediction, truth);
        int rank = prediction.Rank;
        int[] shape = prediction.Shape.ToArray();
        if (!BoundingBox.OfUnion(prediction.Data, truth.Data, shape, out var lo, out var hi))
        {
            return new DirectedDistances([], []);
        }

        int[] cropShape = new int[rank];
        int size = 1;
        for (int a = 0; a < rank; a++)
        {
            cropShape[a] = hi[a] - lo[a] + 1;
            size *= cropShape[a];
        }

        // Pooled buffers: one evaluation of a 512x512 pair would otherwise put megabytes on the
        // large-object heap, and thousands of them in parallel make the GC the bottleneck.
        var pool = ArrayPool<byte>.Shared;
        byte[] p = pool.Rent(size), g = pool.Rent(size), sp = pool.Rent(size), sg = pool.Rent(size);
        double[] squared = ArrayPool<double>.Shared.Rent(size);
        try
        {
            BoundingBox.CropBinary(prediction.Data, shape, lo, cropShape, p.AsSpan(0, size));
            BoundingBox.CropBinary(truth.Data, shape, lo, cropShape, g.AsSpan(0, size));
            Surface.ExtractBinary(p.AsSpan(0, size), cropShape, sp.AsSpan(0, size));
            Surface.ExtractBinary(g.AsSpan(0, size), cropShape, sg.AsSpan(0, size));
            double[] spacing = prediction.Spacing.ToArray();
            var d = squared.AsSpan(0, size);
            return new DirectedDistances(
                Sample(sp.AsSpan(0, size), sg.AsSpan(0, size), cropShape, spacing, d),
                Sample(sg.AsSpan(0, size), sp.AsSpan(0, size), cropShape, spacing, d));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(squared);
            pool.Return(p);
            pool.Return(g);
            pool.Return(sp);
            pool.Return(sg);
        }
    }

    /// <summary>
    /// The two directed distance sets by comparing every pair of surface voxels: O(|S_P|·|S_G|).
    /// A slow reference for tests and benchmarks; same order and values as <see cref="Directed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes or spacings differ.</exception>
    public static DirectedDistances DirectedBruteForce(BinaryMask prediction, BinaryMask truth)
    {
        CheckPair(prediction, truth);
        int[] shape = prediction.Shape.ToArray();
        double[] spacing = prediction.Spacing.ToArray();
        var sp = Points(Surface.Extract(prediction.Data, shape), shape, spacing);
        var sg = Points(Surface.Extract(truth.Data, shape), shape, spacing);
        return new DirectedDistances(AllPairs(sp, sg, shape.Length), AllPairs(sg, sp, shape.Length));
    }

    /// <summary>The metrics of two directed distance sets.</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public static SurfaceDistanceResult Summarize(DirectedDistances distances, SurfaceDistanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        var a = distances.PredictionToTruth;
        var b = distances.TruthToPrediction;
        if (a.Length == 0 || b.Length == 0)
        {
            bool bothEmpty = a.Length == 0 && b.Length == 0;
            return options.Empty switch
            {
                EmptySurfacePolicy.Infinite => SurfaceDistanceResult.All(bothEmpty ? 0.0 : double.PositiveInfinity),
                _ => SurfaceDistanceResult.All(double.NaN),
            };
        }

        var sa = (double[])a.Clone();
        var sb = (double[])b.Clone();
        Array.Sort(sa);
        Array.Sort(sb);
        double sumA = Sum(sa), sumB = Sum(sb);
        double hd = Math.Max(sa[^1], sb[^1]);
        double hd95;
        if (options.Hd95 == HdPercentile.DirectedMax)
        {
            hd95 = Math.Max(Percentile.OfSorted(sa, options.Percentile), Percentile.OfSorted(sb, options.Percentile));
        }
        else
        {
            var pooled = new double[sa.Length + sb.Length];
            sa.CopyTo(pooled, 0);
            sb.CopyTo(pooled, sa.Length);
            Array.Sort(pooled);
            hd95 = Percentile.OfSorted(pooled, options.Percentile);
        }

        double asd = sumA / sa.Length;
        double assd = (sumA + sumB) / (sa.Length + sb.Length);
        double masd = 0.5 * (asd + sumB / sb.Length);
        return new SurfaceDistanceResult(hd, hd95, asd, assd, masd);
    }

    private static double Sum(double[] values)
    {
        double s = 0;
        foreach (double v in values)
        {
            s += v;
        }

        return s;
    }

    private static void CheckPair(BinaryMask prediction, BinaryMask truth)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(truth);
        if (!prediction.SameShape(truth))
        {
            throw new ArgumentException(
                $"prediction has shape ({string.Join(", ", prediction.Shape)}) but truth has ({string.Join(", ", truth.Shape)})",
                nameof(truth));
        }

        if (!prediction.Spacing.SequenceEqual(truth.Spacing))
        {
            throw new ArgumentException(
                $"prediction has spacing ({string.Join(", ", prediction.Spacing)}) but truth has ({string.Join(", ", truth.Spacing)})",
                nameof(truth));
        }
    }

    /// <summary>Distances from the voxels of <paramref name="from"/> to the nearest voxel of <paramref name="to"/> (both 0/1).</summary>
    private static double[] Sample(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to, int[] shape, double[] spacing, Span<double> squared)
    {
        var (count, targets, _) = ByteOps.CountNonzero(from, to);
        var result = new double[count];
        if (count == 0)
        {
            return result;
        }

        if (targets == 0)
        {
            Array.Fill(result, double.PositiveInfinity);
            return result;
        }

        DistanceTransform.SquaredEuclidean(to, shape, spacing, squared, from);
        int k = 0;
        for (int i = 0; i < from.Length; i++)
        {
            if (from[i] != 0)
            {
                result[k++] = Math.Sqrt(squared[i]);
            }
        }

        return result;
    }

    /// <summary>Physical coordinates (rank values per point) of the nonzero voxels, in scan order.</summary>
    private static double[] Points(byte[] surface, int[] shape, double[] spacing)
    {
        int rank = shape.Length;
        var points = new List<double>();
        var index = new int[rank];
        for (int i = 0; i < surface.Length; i++)
        {
            int rest = i;
            for (int a = rank - 1; a >= 0; a--)
            {
                index[a] = rest % shape[a];
                rest /= shape[a];
            }

            if (surface[i] != 0)
            {
                for (int a = 0; a < rank; a++)
                {
                    points.Add(index[a] * spacing[a]);
                }
            }
        }

        return points.ToArray();
    }

    private static double[] AllPairs(double[] from, double[] to, int rank)
    {
        int n = from.Length / rank, m = to.Length / rank;
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            double best = double.PositiveInfinity;
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int a = 0; a < rank; a++)
                {
                    double diff = from[i * rank + a] - to[j * rank + a];
                    s += diff * diff;
                }

                best = Math.Min(best, s);
            }

            result[i] = Math.Sqrt(best);
        }

        return result;
    }
}
