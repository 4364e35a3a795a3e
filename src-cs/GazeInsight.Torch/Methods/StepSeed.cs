namespace GazeInsight.Torch.Methods;

/// <summary>
/// Per-iteration seeds for a method's own randomness (DARM, CutMix, noise): re-seeding the
/// generator from (run seed, iteration) at every step makes the draws a pure function of the
/// iteration, so a resumed run repeats them without saving generator state.
/// </summary>
internal static class StepSeed
{
    public static ulong For(long seed, int iteration, ulong salt)
    {
        unchecked
        {
            var z = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)iteration * 0xBF58476D1CE4E5B9UL + salt;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (z ^ (z >> 31)) & 0x7FFFFFFFFFFFFFFFUL;
        }
    }
}
