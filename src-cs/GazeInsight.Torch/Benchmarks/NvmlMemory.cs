using System.Runtime.InteropServices;

namespace GazeInsight.Torch.Benchmarks;

/// <summary>GPU memory in use, read through NVML (libnvidia-ml.so.1, present with any NVIDIA driver).</summary>
internal static class NvmlMemory
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MemoryInfo
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlInit_v2")]
    private static extern int Init();

    [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlDeviceGetHandleByIndex_v2")]
    private static extern int GetHandle(uint index, out IntPtr device);

    [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlDeviceGetMemoryInfo")]
    private static extern int GetMemoryInfo(IntPtr device, out MemoryInfo info);

    /// <summary>Bytes in use on GPU <paramref name="index"/>, or null when NVML is unavailable.</summary>
    public static long? Used(int index)
    {
        try
        {
            if (Init() != 0 || GetHandle((uint)index, out var device) != 0 || GetMemoryInfo(device, out var info) != 0) return null;
            return (long)info.Used;
        }
        catch (DllNotFoundException)
        {
            return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }
}
