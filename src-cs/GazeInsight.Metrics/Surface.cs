namespace GazeInsight.Metrics;

/// <summary>
/// The surface of a mask: its foreground voxels that have at least one face-neighbour
/// (4 in 2D, 6 in 3D, 2·rank in general) in the background, outside the grid counting as
/// background. Equivalently mask XOR erosion(mask) with the face (cross) structuring element and
/// a background border, the convention of MONAI, MedPy and MetricsReloaded.
/// </summary>
public static class Surface
{
    /// <summary>Surface voxels of a mask (1 = surface), same shape and spacing.</summary>
    public static BinaryMask Extract(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int[] shape = mask.Shape.ToArray();
        return new BinaryMask(shape, Extract(mask.Data, shape), mask.Spacing.ToArray());
    }

    /// <summary>Surface voxels (1 = surface) of a C-ordered mask of the given shape.</summary>
    /// <exception cref="ArgumentException">The mask length does not match the shape.</exception>
    public static byte[] Extract(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape)
    {
        long total = 1;
        foreach (int n in shape)
        {
            total *= n;
        }

        if (total != mask.Length)
        {
            throw new ArgumentException($"mask has {mask.Length} voxels, shape holds {total}", nameof(mask));
        }

        // interior[i] = 1 while voxel i and every face neighbour seen so far are foreground.
        var interior = new byte[mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            interior[i] = mask[i] != 0 ? (byte)1 : (byte)0;
        }

        int stride = 1;
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            ErodeAlong(mask, interior, shape[axis], stride);
            stride *= shape[axis];
        }

        var surface = new byte[mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            surface[i] = (byte)((mask[i] != 0 ? 1 : 0) & (interior[i] ^ 1));
        }

        return surface;
    }

    /// <summary>Clears interior voxels whose neighbour along one axis is background or outside.</summary>
    private static void ErodeAlong(ReadOnlySpan<byte> mask, byte[] interior, int n, int stride)
    {
        int block = n * stride;
        for (int start = 0; start < mask.Length; start += block)
        {
            // The first and last positions on this axis touch the outside.
            interior.AsSpan(start, stride).Clear();
            interior.AsSpan(start + (n - 1) * stride, stride).Clear();
            for (int c = 1; c < n - 1; c++)
            {
                int row = start + c * stride;
                for (int j = 0; j < stride; j++)
                {
                    int i = row + j;
                    if (mask[i - stride] == 0 || mask[i + stride] == 0)
                    {
                        interior[i] = 0;
                    }
                }
            }
        }
    }
}
