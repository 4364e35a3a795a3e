using System.Numerics;

namespace GazeInsight.Metrics;

/// <summary>Vectorised loops over byte masks (0/1 after <see cref="Binarize"/>).</summary>
internal static class ByteOps
{
    /// <summary>destination[i] = source[i] != 0 ? 1 : 0.</summary>
    public static void Binarize(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int i = 0;
        var one = Vector<byte>.One;
        for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            Vector.Min(new Vector<byte>(source.Slice(i)), one).CopyTo(destination.Slice(i));
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i] != 0 ? (byte)1 : (byte)0;
        }
    }

    /// <summary>target[i] &amp;= a[i] &amp; b[i].</summary>
    public static void AndAnd(Span<byte> target, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int i = 0;
        for (; i <= target.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            (new Vector<byte>(target.Slice(i)) & new Vector<byte>(a.Slice(i)) & new Vector<byte>(b.Slice(i))).CopyTo(target.Slice(i));
        }

        for (; i < target.Length; i++)
        {
            target[i] &= (byte)(a[i] & b[i]);
        }
    }

    /// <summary>target[i] ^= a[i].</summary>
    public static void Xor(Span<byte> target, ReadOnlySpan<byte> a)
    {
        int i = 0;
        for (; i <= target.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            (new Vector<byte>(target.Slice(i)) ^ new Vector<byte>(a.Slice(i))).CopyTo(target.Slice(i));
        }

        for (; i < target.Length; i++)
        {
            target[i] ^= a[i];
        }
    }

    /// <summary>Counts of nonzero bytes in a, in b, and in both.</summary>
    public static (long A, long B, long Both) CountNonzero(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long ca = 0, cb = 0, both = 0;
        int i = 0;
        var one = Vector<byte>.One;
        // Byte accumulators hold at most 255 additions before they would wrap.
        int chunk = 255 * Vector<byte>.Count;
        while (a.Length - i >= Vector<byte>.Count)
        {
            int end = Math.Min(a.Length - Vector<byte>.Count, i + chunk - Vector<byte>.Count);
            Vector<byte> sa = Vector<byte>.Zero, sb = Vector<byte>.Zero, sab = Vector<byte>.Zero;
            for (; i <= end; i += Vector<byte>.Count)
            {
                var va = Vector.Min(new Vector<byte>(a.Slice(i)), one);
                var vb = Vector.Min(new Vector<byte>(b.Slice(i)), one);
                sa += va;
                sb += vb;
                sab += va & vb;
            }

            ca += Total(sa);
            cb += Total(sb);
            both += Total(sab);
        }

        for (; i < a.Length; i++)
        {
            int va = a[i] != 0 ? 1 : 0, vb = b[i] != 0 ? 1 : 0;
            ca += va;
            cb += vb;
            both += va & vb;
        }

        return (ca, cb, both);
    }

    private static long Total(Vector<byte> v)
    {
        Vector.Widen(v, out Vector<ushort> lo, out Vector<ushort> hi);
        Vector.Widen(lo + hi, out Vector<uint> l2, out Vector<uint> h2);
        return Vector.Sum(l2 + h2);
    }
}
