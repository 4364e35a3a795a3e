using GazeInsight.Metrics;

namespace GazeInsight.Metrics.Tests;

/// <summary>Small synthetic masks for the tests.</summary>
internal static class Masks
{
    /// <summary>A 2D mask from rows of '1'/'0' (or '#'/'.').</summary>
    public static BinaryMask FromRows(params string[] rows)
    {
        int h = rows.Length, w = rows[0].Length;
        var data = new byte[h * w];
        for (int r = 0; r < h; r++)
        {
            for (int c = 0; c < w; c++)
            {
                data[r * w + c] = rows[r][c] is '1' or '#' ? (byte)1 : (byte)0;
            }
        }

        return new BinaryMask([h, w], data);
    }

    public static BinaryMask Empty(params int[] shape) => new(shape, new byte[shape.Aggregate(1, (a, b) => a * b)]);

    /// <summary>A mask with the given voxels (coordinates in axis order) set.</summary>
    public static BinaryMask WithVoxels(int[] shape, double[]? spacing, params int[][] voxels)
    {
        var m = new BinaryMask(shape, new byte[shape.Aggregate(1, (a, b) => a * b)], spacing);
        foreach (var v in voxels)
        {
            m.Data[Index(shape, v)] = 1;
        }

        return m;
    }

    public static int Index(int[] shape, int[] voxel)
    {
        int i = 0;
        for (int a = 0; a < shape.Length; a++)
        {
            i = i * shape[a] + voxel[a];
        }

        return i;
    }

    /// <summary>A digital ball: voxels whose centre lies within radius of the centre (index units).</summary>
    public static BinaryMask Ball(int[] shape, double[] centre, double radius, double[]? spacing = null)
    {
        var data = new byte[shape.Aggregate(1, (a, b) => a * b)];
        int rank = shape.Length;
        var index = new int[rank];
        for (int i = 0; i < data.Length; i++)
        {
            int rest = i;
            double d2 = 0;
            for (int a = rank - 1; a >= 0; a--)
            {
                index[a] = rest % shape[a];
                rest /= shape[a];
                double diff = index[a] - centre[a];
                d2 += diff * diff;
            }

            data[i] = d2 <= radius * radius ? (byte)1 : (byte)0;
        }

        return new BinaryMask(shape, data, spacing);
    }

    /// <summary>Random mask: a few random boxes and speckle, so that surfaces have holes, corners and edges.</summary>
    public static BinaryMask Random(Random rng, int[] shape, double[]? spacing, double speckle)
    {
        int rank = shape.Length;
        var data = new byte[shape.Aggregate(1, (a, b) => a * b)];
        int boxes = rng.Next(0, 3);
        var lo = new int[rank];
        var hi = new int[rank];
        var index = new int[rank];
        for (int b = 0; b < boxes; b++)
        {
            for (int a = 0; a < rank; a++)
            {
                lo[a] = rng.Next(0, shape[a]);
                hi[a] = rng.Next(lo[a], shape[a]);
            }

            for (int i = 0; i < data.Length; i++)
            {
                int rest = i;
                bool inside = true;
                for (int a = rank - 1; a >= 0; a--)
                {
                    index[a] = rest % shape[a];
                    rest /= shape[a];
                    inside &= index[a] >= lo[a] && index[a] <= hi[a];
                }

                if (inside)
                {
                    data[i] = 1;
                }
            }
        }

        for (int i = 0; i < data.Length; i++)
        {
            if (rng.NextDouble() < speckle)
            {
                data[i] ^= 1;
            }
        }

        return new BinaryMask(shape, data, spacing);
    }
}
