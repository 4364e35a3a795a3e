namespace GazeInsight.Metrics;

/// <summary>
/// Random prediction/truth pairs that look like segmentation output, for benchmarks and
/// tests: the truth is a union of 1 to 3 rotated ellipses (ellipsoids in 3D) anywhere in the
/// grid, some touching its edge; the prediction moves, resizes and sometimes drops each of them
/// and sometimes adds a false positive.
/// </summary>
public static class SyntheticMasks
{
    private sealed record Blob(double[] Centre, double[] Axes, double Angle);

    /// <summary>A random pair on a grid of the given 2D (rows, columns) or 3D (slices, rows, columns) shape.</summary>
    public static (BinaryMask Prediction, BinaryMask Truth) Pair(Random rng, int[] shape, double[]? spacing = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length is not (2 or 3))
        {
            throw new ArgumentException($"shape must have 2 or 3 axes, got {shape.Length}", nameof(shape));
        }

        int count = rng.Next(1, 4);
        var truth = new List<Blob>();
        var prediction = new List<Blob>();
        for (int b = 0; b < count; b++)
        {
            var blob = RandomBlob(rng, shape);
            truth.Add(blob);
            if (rng.NextDouble() < 0.9)
            {
                prediction.Add(Perturb(rng, blob));
            }
        }

        if (rng.NextDouble() < 0.3)
        {
            var extra = RandomBlob(rng, shape);
            prediction.Add(extra with { Axes = extra.Axes.Select(a => Math.Max(2.0, a / 3)).ToArray() });
        }

        return (Paint(shape, prediction, spacing), Paint(shape, truth, spacing));
    }

    private static Blob RandomBlob(Random rng, int[] shape)
    {
        int rank = shape.Length;
        var centre = new double[rank];
        var axes = new double[rank];
        for (int a = 0; a < rank; a++)
        {
            centre[a] = rng.NextDouble() * (shape[a] - 1);
            axes[a] = Math.Max(1.5, shape[a] * (0.02 + 0.2 * rng.NextDouble()));
        }

        return new Blob(centre, axes, rng.NextDouble() * Math.PI);
    }

    private static Blob Perturb(Random rng, Blob blob)
    {
        var centre = blob.Centre.Select((c, a) => c + (rng.NextDouble() - 0.5) * 0.3 * blob.Axes[a]).ToArray();
        var axes = blob.Axes.Select(x => x * (0.85 + 0.3 * rng.NextDouble())).ToArray();
        return new Blob(centre, axes, blob.Angle + (rng.NextDouble() - 0.5) * 0.3);
    }

    private static BinaryMask Paint(int[] shape, List<Blob> blobs, double[]? spacing)
    {
        int rank = shape.Length;
        int rows = shape[rank - 2], columns = shape[rank - 1];
        int slices = rank == 3 ? shape[0] : 1;
        var data = new byte[slices * rows * columns];
        foreach (var blob in blobs)
        {
            // Rotation in the (row, column) plane; the slice axis stays aligned.
            double cos = Math.Cos(blob.Angle), sin = Math.Sin(blob.Angle);
            double cr = blob.Centre[rank - 2], cc = blob.Centre[rank - 1];
            double ar = blob.Axes[rank - 2], ac = blob.Axes[rank - 1];
            double cz = rank == 3 ? blob.Centre[0] : 0, az = rank == 3 ? blob.Axes[0] : 1;
            double reach = Math.Max(ar, ac);
            int z0 = rank == 3 ? Math.Max(0, (int)Math.Floor(cz - az)) : 0;
            int z1 = rank == 3 ? Math.Min(slices - 1, (int)Math.Ceiling(cz + az)) : 0;
            int r0 = Math.Max(0, (int)Math.Floor(cr - reach)), r1 = Math.Min(rows - 1, (int)Math.Ceiling(cr + reach));
            int c0 = Math.Max(0, (int)Math.Floor(cc - reach)), c1 = Math.Min(columns - 1, (int)Math.Ceiling(cc + reach));
            for (int z = z0; z <= z1; z++)
            {
                double dz = rank == 3 ? (z - cz) / az : 0;
                for (int r = r0; r <= r1; r++)
                {
                    for (int c = c0; c <= c1; c++)
                    {
                        double u = ((r - cr) * cos + (c - cc) * sin) / ar;
                        double v = (-(r - cr) * sin + (c - cc) * cos) / ac;
                        if (u * u + v * v + dz * dz <= 1)
                        {
                            data[(z * rows + r) * columns + c] = 1;
                        }
                    }
                }
            }
        }

        return new BinaryMask(shape, data, spacing);
    }
}
