using System.Runtime.InteropServices;
using GazeInsight.Torch.Backend;
using GazeInsight.Torch.Networks.Blocks;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Benchmarks;

/// <summary>
/// What a device can do for GazeInsight, checked with real work rather than flags: the resolved
/// device, the libtorch in use, CUDA availability, one tiny convolution + GroupNorm + linear
/// forward/backward in fp32 (finite loss and gradients), and the same in bfloat16. The first
/// thing a GPU session runs (scripts/device-check.sh), so that a broken libtorch or driver is one
/// line rather than a failed benchmark.
/// </summary>
public static class DeviceCheck
{
    public static DeviceCheckResult Run(string deviceName)
    {
        var device = TorchBackend.ResolveDevice(deviceName);
        var onCuda = device.type == DeviceType.CUDA;
        var libTorchDir = Environment.GetEnvironmentVariable(TorchBackend.LibTorchDirVariable);
        var fp32 = TinyStep(device, ScalarType.Float32);
        var bf16 = TinyStep(device, ScalarType.BFloat16);
        return new DeviceCheckResult(
            device.ToString(),
            torch.__version__,
            string.IsNullOrEmpty(libTorchDir) ? "the libtorch-cpu package" : libTorchDir,
            string.IsNullOrEmpty(libTorchDir) ? null : PyTorchVersionBeside(libTorchDir),
            torch.cuda.is_available(),
            torch.cuda.is_available() ? torch.cuda.device_count() : 0,
            onCuda && backends.cuda.matmul.allow_tf32,
            get_num_threads(),
            fp32,
            bf16);
    }

    /// <summary>
    /// One forward/backward of conv 3x3 -> GroupNorm -> LeakyReLU -> linear head on a [2, 3, 16, 16]
    /// batch in <paramref name="dtype"/>; a failure (an unsupported kernel) is reported, not thrown.
    /// </summary>
    private static TinyStepResult TinyStep(Device device, ScalarType dtype)
    {
        try
        {
            using var scope = NewDisposeScope();
            manual_seed(0);
            using var conv = nn.Conv2d(3, 8, 3, padding: 1);
            using var norm = Normalization.GroupNorm(4, 8);
            using var head = nn.Linear(8, 2);
            conv.to(device, dtype);
            norm.to(device, dtype);
            head.to(device, dtype);
            var x = randn(2, 3, 16, 16, device: device).to_type(dtype);
            var features = nn.functional.leaky_relu(norm.forward(conv.forward(x)), 0.1);
            var logits = head.forward(features.mean([2L, 3L]));
            var loss = logits.to_type(ScalarType.Float32).square().mean();
            loss.backward();
            var gradients = conv.parameters().Concat(norm.parameters()).Concat(head.parameters())
                .Select(p => p.grad!.to_type(ScalarType.Float32).abs().sum()).ToArray();
            var gradientSum = stack(gradients).sum();
            // one read for the report, after the work: the values the check exists to show
            var lossValue = loss.cpu().item<float>();
            var gradientValue = gradientSum.cpu().item<float>();
            return new TinyStepResult(true, lossValue, float.IsFinite(lossValue) && float.IsFinite(gradientValue) && gradientValue > 0, null);
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            return new TinyStepResult(false, double.NaN, false, e.Message.Split('\n')[0]);
        }
    }

    /// <summary>PyTorch's version.py next to an external torch/lib folder ("2.11.0+cu130, CUDA 13.0"), or null.</summary>
    private static string? PyTorchVersionBeside(string libTorchDir)
    {
        var file = Path.Combine(libTorchDir, "..", "version.py");
        if (!File.Exists(file)) return null;
        string? Value(string key) => File.ReadLines(file)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2 && p[0].Trim() == key)
            .Select(p => p[1].Trim().Trim('\'', '"'))
            .FirstOrDefault();
        var version = Value("__version__");
        var cudaVersion = Value("cuda");
        return version is null ? null : cudaVersion is null or "None" ? version : $"{version}, CUDA {cudaVersion}";
    }
}

/// <summary>One tiny training step: whether it ran, its loss, whether loss and gradients are finite (and non-zero), or why it failed.</summary>
public sealed record TinyStepResult(bool Ran, double Loss, bool Finite, string? Problem)
{
    public bool Ok => Ran && Finite;
}

/// <summary>
/// Result of <see cref="DeviceCheck.Run"/>. LibTorch: where libtorch came from (the package, or
/// the external folder); PyTorchVersion: the version.py beside an external folder, if any.
/// </summary>
public sealed record DeviceCheckResult(
    string Device, string TorchSharpLibTorchVersion, string LibTorch, string? PyTorchVersion, bool CudaAvailable, int CudaDevices,
    bool Tf32Matmul, int Threads, TinyStepResult Float32, TinyStepResult BFloat16);
