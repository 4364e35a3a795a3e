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

        var binary = new byte[mask.Length];
        ByteOps.Binarize(mask, binary);
        var surface = new byte[mask.Length];
        ExtractBinary(binary, shape, surface);
        return surface;
    }

    /// <summary>Surface of a 0/1 mask into <paramref name="surface"/> (same length).</summary>
    internal static void ExtractBinary(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape, Span<byte> surface)
    {
        // First the interior: voxels whose every face neighbour is foreground and inside.
        mask.CopyTo(surface);
        int stride = 1;
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            int n = shape[axis];
            int block = n * stride;
            for (int start = 0; start < mask.Length; start += block)
            {
                // The first and last positions on this axis touch the outside.
                surface.Slice(start, stride).Clear();
                surface.Slice(start + (n - 1) * stride, stride).Clear();
                if (n > 2)
                {
                    // Along one axis the voxels with both neighbours inside form one contiguous run.
                    int first = start + stride, length = (n - 2) * stride;
                    ByteOps.AndAnd(
                        surface.Slice(first, length),
                        mask.Slice(first - stride, length),
                        mask.Slice(first + stride, length));
                }
            }

            stride = block;
        }

        // Interior is a subset of the mask, so mask XOR interior is the surface.
        ByteOps.Xor(surface, mask);
    }
}
