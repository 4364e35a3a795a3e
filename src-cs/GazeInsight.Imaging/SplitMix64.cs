namespace GazeInsight.Imaging;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood): a tiny hash that gives unrelated, platform-independent
/// 64-bit values for neighbouring inputs. Seeds of the per-iteration generators (batches, flips,
/// DARM, CutMix) and the fake engine's deterministic noise all come from here.
/// </summary>
public static class SplitMix64
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The finaliser: mixes the bits of <paramref name="z"/>.</summary>
    public static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>The generator's next output from state <paramref name="state"/> (state + golden ratio, mixed).</summary>
    public static ulong Next(ulong state) => Mix(unchecked(state + Golden));

    /// <summary>
    /// A non-negative 63-bit seed from (seed, index, salt): distinct salts give independent
    /// streams for the same (seed, index), e.g. one per iteration for each random component.
    /// </summary>
    public static long Seed(long seed, long index, ulong salt) =>
        (long)(Mix(unchecked((ulong)seed * Golden + (ulong)index * 0xBF58476D1CE4E5B9UL + salt)) & 0x7FFFFFFFFFFFFFFFUL);
}
