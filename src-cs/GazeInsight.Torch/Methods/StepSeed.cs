using GazeInsight.Imaging;

namespace GazeInsight.Torch.Methods;

/// <summary>
/// Per-iteration seeds for a method's own randomness (DARM, CutMix, noise): re-seeding the
/// generator from (run seed, iteration) at every step makes the draws a pure function of the
/// iteration, so a resumed run repeats them without saving generator state.
/// </summary>
internal static class StepSeed
{
    public static ulong For(long seed, int iteration, ulong salt) => (ulong)SplitMix64.Seed(seed, iteration, salt);
}
