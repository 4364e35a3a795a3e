using System.Buffers.Binary;

namespace GazeInsight.Imaging.IO;

/// <summary>
/// An n-dimensional array read from or written to a <c>.npy</c> file: C-order (row-major)
/// elements of one <see cref="NpyDType"/>, held as little-endian bytes and converted on demand.
/// </summary>
public sealed class NpyArray
{
    private readonly byte[] _data;
    private readonly int[] _shape;

    /// <summary>Wraps little-endian element bytes; checks that their length matches the shape.</summary>
    /// <param name="dtype">element type.</param>
    /// <param name="shape">dimensions, outermost first; empty for a 0-d (scalar) array.</param>
    /// <param name="littleEndianData">ElementCount * ItemSize bytes in C order.</param>
    public NpyArray(NpyDType dtype, int[] shape, byte[] littleEndianData)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(littleEndianData);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"shape dimensions must be >= 0, got ({string.Join(", ", shape)})", nameof(shape));
            }

            count = checked(count * d);
        }

        long expected = count * ItemSizeOf(dtype);
        if (littleEndianData.LongLength != expected)
        {
            throw new ArgumentException(
                $"shape ({string.Join(", ", shape)}) of {dtype} needs {expected} bytes, got {littleEndianData.LongLength}",
                nameof(littleEndianData));
        }

        DType = dtype;
        _shape = (int[])shape.Clone();
        _data = littleEndianData;
        ElementCount = count;
    }

    /// <summary>Element type.</summary>
    public NpyDType DType { get; }

    /// <summary>Dimensions, outermost first (a copy); empty for a 0-d array.</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Product of the dimensions (1 for a 0-d array).</summary>
    public long ElementCount { get; }

    /// <summary>The raw little-endian element bytes (not copied: do not modify).</summary>
    public ReadOnlySpan<byte> RawData => _data;

    /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
    public static int ItemSizeOf(NpyDType dtype) => dtype switch
    {
        NpyDType.Bool or NpyDType.Int8 or NpyDType.UInt8 => 1,
        NpyDType.Int16 or NpyDType.UInt16 or NpyDType.Float16 => 2,
        NpyDType.Int32 or NpyDType.UInt32 or NpyDType.Float32 => 4,
        NpyDType.Int64 or NpyDType.UInt64 or NpyDType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>Wraps float32 values (copied) as an array of the given shape.</summary>
    public static NpyArray FromFloat32(ReadOnlySpan<float> values, int[] shape)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return new NpyArray(NpyDType.Float32, shape, bytes);
    }

    /// <summary>Wraps bytes (copied) as a uint8 array of the given shape.</summary>
    public static NpyArray FromUInt8(ReadOnlySpan<byte> values, int[] shape) =>
        new(NpyDType.UInt8, shape, values.ToArray());

    /// <summary>Wraps booleans as a bool array (one byte each, 0 or 1) of the given shape.</summary>
    public static NpyArray FromBool(ReadOnlySpan<bool> values, int[] shape)
    {
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bytes[i] = values[i] ? (byte)1 : (byte)0;
        }

        return new NpyArray(NpyDType.Bool, shape, bytes);
    }

    /// <summary>All elements in C order as doubles (exact for every type except 64-bit integers beyond 2^53).</summary>
    public double[] ToDoubleArray()
    {
        var result = new double[ElementCount];
        for (long i = 0; i < result.LongLength; i++)
        {
            result[i] = GetDouble(i);
        }

        return result;
    }

    /// <summary>All elements in C order as floats (float64 and wide integers are rounded).</summary>
    public float[] ToFloatArray()
    {
        var result = new float[ElementCount];
        if (DType == NpyDType.Float32)
        {
            for (long i = 0; i < result.LongLength; i++)
            {
                result[i] = BinaryPrimitives.ReadSingleLittleEndian(_data.AsSpan((int)(i * 4)));
            }

            return result;
        }

        for (long i = 0; i < result.LongLength; i++)
        {
            result[i] = (float)GetDouble(i);
        }

        return result;
    }

    /// <summary>Element <paramref name="index"/> (flat, C order) as a double.</summary>
    public double GetDouble(long index)
    {
        if ((ulong)index >= (ulong)ElementCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"array has {ElementCount} elements");
        }

        var s = _data.AsSpan((int)(index * ItemSizeOf(DType)));
        return DType switch
        {
            NpyDType.Bool => s[0] != 0 ? 1.0 : 0.0,
            NpyDType.Int8 => (sbyte)s[0],
            NpyDType.UInt8 => s[0],
            NpyDType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(s),
            NpyDType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(s),
            NpyDType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(s),
            NpyDType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(s),
            NpyDType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(s),
            NpyDType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(s),
            NpyDType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(s),
            NpyDType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(s),
            NpyDType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(s),
            _ => throw new InvalidOperationException($"unknown dtype {DType}"),
        };
    }
}
