namespace GazeInsight.Metrics;

/// <summary>Axis-aligned bounding boxes of foreground and cropping to them.</summary>
internal static class BoundingBox
{
    /// <summary>Inclusive bounds of the voxels nonzero in either mask; false when both are empty.</summary>
    public static bool OfUnion(byte[] a, byte[] b, int[] shape, out int[] lo, out int[] hi)
    {
        int rank = shape.Length;
        lo = new int[rank];
        hi = new int[rank];
        Array.Fill(lo, int.MaxValue);
        Array.Fill(hi, -1);
        int last = shape[^1];
        var index = new int[rank];
        bool any = false;
        for (int start = 0; start < a.Length; start += last)
        {
            // Vectorised searches: most rows of a typical mask are empty.
            var ra = a.AsSpan(start, last);
            var rb = b.AsSpan(start, last);
            int fa = ra.IndexOfAnyExcept((byte)0), fb = rb.IndexOfAnyExcept((byte)0);
            int first = fa < 0 ? fb : fb < 0 ? fa : Math.Min(fa, fb);
            int final = Math.Max(ra.LastIndexOfAnyExcept((byte)0), rb.LastIndexOfAnyExcept((byte)0));
            if (first >= 0)
            {
                any = true;
                int rest = start / last;
                for (int ax = rank - 2; ax >= 0; ax--)
                {
                    index[ax] = rest % shape[ax];
                    rest /= shape[ax];
                    lo[ax] = Math.Min(lo[ax], index[ax]);
                    hi[ax] = Math.Max(hi[ax], index[ax]);
                }

                lo[rank - 1] = Math.Min(lo[rank - 1], first);
                hi[rank - 1] = Math.Max(hi[rank - 1], final);
            }
        }

        return any;
    }

    /// <summary>
    /// The sub-array starting at <paramref name="lo"/> of shape <paramref name="cropShape"/>, C order,
    /// binarised to 0/1, written to <paramref name="result"/> (length = product of the crop shape).
    /// </summary>
    public static void CropBinary(byte[] data, int[] shape, int[] lo, int[] cropShape, Span<byte> result)
    {
        int rank = shape.Length;
        int rowLength = cropShape[^1];
        int rows = 1;
        for (int a = 0; a < rank - 1; a++)
        {
            rows *= cropShape[a];
        }

        var index = new int[rank];
        for (int r = 0; r < rows; r++)
        {
            int rest = r;
            for (int a = rank - 2; a >= 0; a--)
            {
                index[a] = rest % cropShape[a] + lo[a];
                rest /= cropShape[a];
            }

            index[rank - 1] = lo[rank - 1];
            int source = 0;
            for (int a = 0; a < rank; a++)
            {
                source = source * shape[a] + index[a];
            }

            ByteOps.Binarize(data.AsSpan(source, rowLength), result.Slice(r * rowLength, rowLength));
        }
    }
}
