namespace GazeInsight.Metrics;

/// <summary>
/// A binary mask on a regular grid: one byte per voxel (nonzero = foreground), row-major
/// (C order: the last axis varies fastest), with a physical spacing per axis.
/// A 2D image is shape (rows, columns); a volume is typically (slices, rows, columns).
/// </summary>
public sealed class BinaryMask
{
    /// <summary>Creates a mask; <paramref name="data"/> is used as is (not copied).</summary>
    /// <param name="shape">Size of each axis, at least 1 axis, each &gt;= 1.</param>
    /// <param name="data">Voxels in C order, length = product of <paramref name="shape"/>.</param>
    /// <param name="spacing">Physical size of a voxel along each axis (&gt; 0, finite); null = all 1.</param>
    /// <exception cref="ArgumentException">Inconsistent shape, data or spacing.</exception>
    public BinaryMask(int[] shape, byte[] data, double[]? spacing = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Length == 0)
        {
            throw new ArgumentException("a mask needs at least one axis", nameof(shape));
        }

        long count = 1;
        foreach (int n in shape)
        {
            if (n < 1)
            {
                throw new ArgumentException($"axis sizes must be >= 1, got ({string.Join(", ", shape)})", nameof(shape));
            }

            count *= n;
        }

        if (count != data.Length)
        {
            throw new ArgumentException(
                $"shape ({string.Join(", ", shape)}) holds {count} voxels but data has {data.Length}", nameof(data));
        }

        spacing ??= Enumerable.Repeat(1.0, shape.Length).ToArray();
        if (spacing.Length != shape.Length)
        {
            throw new ArgumentException(
                $"spacing has {spacing.Length} values but the mask has {shape.Length} axes", nameof(spacing));
        }

        foreach (double s in spacing)
        {
            if (!(s > 0) || double.IsInfinity(s))
            {
                throw new ArgumentException($"spacing must be positive and finite, got ({string.Join(", ", spacing)})", nameof(spacing));
            }
        }

        Shape = (int[])shape.Clone();
        Spacing = (double[])spacing.Clone();
        Data = data;
    }

    /// <summary>Size of each axis.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Physical voxel size along each axis (same order as <see cref="Shape"/>).</summary>
    public IReadOnlyList<double> Spacing { get; }

    /// <summary>Voxels in C order; nonzero = foreground.</summary>
    public byte[] Data { get; }

    /// <summary>Number of axes.</summary>
    public int Rank => Shape.Count;

    /// <summary>The same voxels with another spacing.</summary>
    public BinaryMask WithSpacing(double[] spacing) => new(Shape.ToArray(), Data, spacing);

    /// <summary>Whether two masks have the same shape.</summary>
    public bool SameShape(BinaryMask other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Shape.SequenceEqual(other.Shape);
    }

    /// <summary>
    /// Stacks equally shaped slices along a new first axis: shape (k, ...slice shape), spacing
    /// (<paramref name="sliceSpacing"/>, ...slice spacing).
    /// </summary>
    /// <exception cref="ArgumentException">No slices, or slices of different shapes.</exception>
    public static BinaryMask Stack(IReadOnlyList<BinaryMask> slices, double sliceSpacing)
    {
        ArgumentNullException.ThrowIfNull(slices);
        if (slices.Count == 0)
        {
            throw new ArgumentException("nothing to stack", nameof(slices));
        }

        var first = slices[0];
        int size = first.Data.Length;
        var data = new byte[checked(size * slices.Count)];
        for (int k = 0; k < slices.Count; k++)
        {
            if (!slices[k].SameShape(first))
            {
                throw new ArgumentException(
                    $"slice {k} has shape ({string.Join(", ", slices[k].Shape)}), slice 0 has ({string.Join(", ", first.Shape)})",
                    nameof(slices));
            }

            slices[k].Data.CopyTo(data, k * size);
        }

        return new BinaryMask(
            [slices.Count, .. first.Shape],
            data,
            [sliceSpacing, .. first.Spacing]);
    }
}
