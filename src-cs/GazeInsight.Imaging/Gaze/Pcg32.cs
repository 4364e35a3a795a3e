namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// PCG32 (O'Neill's XSH-RR variant): a small seeded generator whose stream is fixed by this code
/// alone, unlike System.Random whose algorithm may change between runtimes. One instance per
/// image (seeded from the run seed and the image's id), so results do not depend on the order or
/// parallelism of generation.
/// </summary>
internal sealed class Pcg32
{
    private const ulong Multiplier = 6364136223846793005UL;
    private ulong _state;
    private readonly ulong _increment;
    private double? _spareNormal;

    public Pcg32(ulong seed, ulong stream)
    {
        _increment = (stream << 1) | 1UL;
        _state = 0;
        NextUInt();
        _state += seed;
        NextUInt();
    }

    /// <summary>A generator for one named item (an image id) under a run seed.</summary>
    public static Pcg32 For(long seed, string item) => new(unchecked((ulong)seed), Fnv1a64(item));

    public static ulong Fnv1a64(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    public uint NextUInt()
    {
        ulong old = _state;
        _state = unchecked(old * Multiplier + _increment);
        uint xorShifted = (uint)(((old >> 18) ^ old) >> 27);
        int rot = (int)(old >> 59);
        return (xorShifted >> rot) | (xorShifted << ((-rot) & 31));
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble()
    {
        ulong hi = NextUInt() >> 5;
        ulong lo = NextUInt() >> 6;
        return (hi * 67108864.0 + lo) / 9007199254740992.0;
    }

    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [min, maxInclusive].</summary>
    public int NextInt(int min, int maxInclusive)
    {
        if (maxInclusive < min)
        {
            throw new ArgumentOutOfRangeException(nameof(maxInclusive), $"empty range [{min}, {maxInclusive}]");
        }
        ulong span = (ulong)((long)maxInclusive - min + 1);
        return (int)(min + (long)(NextDouble() * span));
    }

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Standard normal (Box-Muller, the second value kept for the next call).</summary>
    public double NextNormal()
    {
        if (_spareNormal is double spare)
        {
            _spareNormal = null;
            return spare;
        }
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = radius * Math.Sin(2.0 * Math.PI * u2);
        return radius * Math.Cos(2.0 * Math.PI * u2);
    }
}
