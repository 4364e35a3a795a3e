using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Backend;

/// <summary>
/// Loads libtorch and resolves devices. With the default (cpu) build, libtorch comes from the
/// libtorch-cpu package; with the "external" build it is loaded from a folder, e.g. a PyTorch
/// install's torch/lib (how CUDA runs here), named by <see cref="LibTorchDirVariable"/>.
/// </summary>
public static class TorchBackend
{
    /// <summary>Environment variable naming a folder with libtorch*.so (external backend).</summary>
    public const string LibTorchDirVariable = "GAZEINSIGHT_LIBTORCH";

    // libtorch's own libraries in dependency order; whichever exist in the folder are preloaded
    // so that libLibTorchSharp's DT_NEEDED entries bind to them.
    private static readonly string[] ExternalLibraries =
        ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];

    private static readonly Lock Gate = new();
    private static bool _initialised;

    /// <summary>
    /// Prepares libtorch for this process; idempotent. Call before the first tensor is made.
    /// </summary>
    /// <param name="libTorchDir">Folder with an external libtorch, or null to use
    /// <see cref="LibTorchDirVariable"/> when set, else the packaged libtorch.</param>
    /// <param name="wantCuda">Initialise CUDA as well (needs a CUDA libtorch).</param>
    public static void Initialise(string? libTorchDir = null, bool wantCuda = false)
    {
        lock (Gate)
        {
            if (_initialised) return;
            libTorchDir ??= Environment.GetEnvironmentVariable(LibTorchDirVariable);
            if (!string.IsNullOrEmpty(libTorchDir))
            {
                if (!Directory.Exists(libTorchDir))
                    throw new InvalidOperationException(
                        $"{LibTorchDirVariable}: folder '{libTorchDir}' does not exist (expected a libtorch lib folder such as <python site-packages>/torch/lib)");
                foreach (var name in ExternalLibraries)
                {
                    var path = Path.Combine(libTorchDir, name);
                    if (File.Exists(path)) NativeLibrary.Load(path);
                }
                InitialiseDeviceType(wantCuda ? DeviceType.CUDA : DeviceType.CPU, libTorchDir);
            }
            else if (wantCuda)
            {
                InitialiseDeviceType(DeviceType.CUDA, null);
            }
            _initialised = true;
        }
    }

    /// <summary>What a user without a CUDA libtorch has to do (README: Torch backends and devices).</summary>
    public static string CudaHowTo =>
        $"build with -p:TorchBackend=external and set {LibTorchDirVariable} to the torch/lib folder of a CUDA PyTorch " +
        "(README: Torch backends and devices)";

    // TorchSharp's own message ends in a native-load trace that says nothing to a user (and is
    // often cut off): say what is missing and how to get it.
    private static void InitialiseDeviceType(DeviceType type, string? libTorchDir)
    {
        try
        {
            torch.InitializeDeviceType(type);
        }
        catch (Exception e) when (type == DeviceType.CUDA && e is not OutOfMemoryException)
        {
            var source = libTorchDir is null
                ? "this build's libtorch is the CPU package (libtorch-cpu), which has no CUDA"
                : $"the libtorch in {libTorchDir} ({LibTorchDirVariable}) did not load with CUDA";
            throw new InvalidOperationException($"CUDA requested, but {source}: {CudaHowTo}", e);
        }
    }

    /// <summary>
    /// Sets libtorch's intra-op thread count for this process when <paramref name="threads"/> is
    /// given, and returns the count in effect. Call after <see cref="ResolveDevice"/>: setting it
    /// first would load the packaged libtorch before an external (CUDA) one could be chosen.
    /// </summary>
    public static int IntraOpThreads(int? threads)
    {
        if (threads is { } n)
        {
            if (n < 1) throw new ArgumentOutOfRangeException(nameof(threads), n, "intra-op threads must be at least 1");
            torch.set_num_threads(n);
        }
        return torch.get_num_threads();
    }

    /// <summary>
    /// On CUDA, lets fp32 matrix products and cuDNN convolutions use TF32 tensor cores (10-bit
    /// mantissa products, fp32 accumulation), as the training-step benchmark and the PyTorch
    /// reference's tf32 mode do; training (ExperimentRunner) and the benchmark both switch it on
    /// here, so that fp32 means the same in both. A process-wide libtorch switch; the CPU has no TF32.
    /// Returns whether TF32 is on.
    /// </summary>
    public static bool UseTf32(Device device)
    {
        if (device.type != DeviceType.CUDA) return false;
        backends.cuda.matmul.allow_tf32 = true;
        backends.cudnn.allow_tf32 = true;
        return true;
    }

    /// <summary>
    /// Resolves "auto" (CUDA when available, else CPU), "cpu", "cuda" or "cuda:N" to a device.
    /// </summary>
    public static Device ResolveDevice(string name)
    {
        var wanted = name.Trim().ToLowerInvariant();
        var cudaRequested = wanted.StartsWith("cuda", StringComparison.Ordinal);
        if (wanted is not ("auto" or "cpu") && !cudaRequested)
            throw new ArgumentException($"unknown device '{name}': expected auto, cpu, cuda or cuda:N");
        Initialise(wantCuda: cudaRequested);
        if (wanted == "cpu") return CPU;
        var available = cuda.is_available();
        if (wanted == "auto") return available ? CUDA : CPU;
        if (!available)
            throw new InvalidOperationException(
                $"device '{name}' requested but CUDA is not available (no GPU visible, or a CPU libtorch): {CudaHowTo}");
        return torch.device(wanted);
    }
}
