using TorchSharp;

namespace GazeInsight.Torch.Backend;

/// <summary>Seeding that makes a CPU run bit-identical when repeated.</summary>
public static class Determinism
{
    /// <summary>
    /// Seeds libtorch's global generator (used for weight initialisation). TorchSharp 0.107 marks
    /// use_deterministic_algorithms "not implemented"; the CPU kernels used here are deterministic
    /// for a fixed thread count, which a test checks. Sampling inside training uses its own
    /// <see cref="torch.Generator"/> from the same seed.
    /// </summary>
    public static void Seed(long seed, torch.Device device)
    {
        torch.manual_seed(seed);
        if (device.type == DeviceType.CUDA) torch.cuda.manual_seed_all(seed);
    }
}
