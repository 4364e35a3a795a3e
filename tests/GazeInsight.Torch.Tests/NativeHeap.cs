using System.Runtime.InteropServices;

namespace GazeInsight.Torch.Tests;

/// <summary>
/// Bytes the C heap has handed out and not had back (glibc's mallinfo2: in-use heap chunks plus
/// mmapped blocks). libtorch's CPU allocator takes every tensor's storage from malloc, so the
/// difference over a forward pass is what its graph holds for backward. glibc only (the
/// project's machines and CI are Debian).
/// </summary>
internal static class NativeHeap
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 MallInfo();

    public static long InUseBytes()
    {
        var info = MallInfo();
        return (long)(info.UordBlks + info.HBlkHd);
    }
}
