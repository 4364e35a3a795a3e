using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Benchmarks;

/// <summary>
/// Host synchronisations counted in libtorch calls (build/native/host_syncs.cpp): scalar reads
/// (libtorch's item / _local_scalar_dense), value-dependent shapes (nonzero, masked_select, boolean
/// indexing), tensors made from host memory (TorchSharp's tensor(array): an upload) and copies to
/// the CPU (.cpu(), to("cpu"), and so every TorchSharp item&lt;T&gt; / data&lt;T&gt; of a CUDA tensor).
/// Each would make the host wait for a CUDA stream; they are counted whatever the device.
/// </summary>
public readonly record struct HostSyncCounts(long ScalarReads, long ValueDependentShapes, long HostUploads, long CopiesToHost)
{
    public long Total => ScalarReads + ValueDependentShapes + HostUploads + CopiesToHost;

    public static HostSyncCounts operator -(HostSyncCounts a, HostSyncCounts b) => new(
        a.ScalarReads - b.ScalarReads, a.ValueDependentShapes - b.ValueDependentShapes, a.HostUploads - b.HostUploads, a.CopiesToHost - b.CopiesToHost);

    public static HostSyncCounts operator +(HostSyncCounts a, HostSyncCounts b) => new(
        a.ScalarReads + b.ScalarReads, a.ValueDependentShapes + b.ValueDependentShapes, a.HostUploads + b.HostUploads, a.CopiesToHost + b.CopiesToHost);

    public override string ToString() =>
        $"{Total} (scalar reads {ScalarReads}, value-dependent shapes {ValueDependentShapes}, uploads {HostUploads}, copies to host {CopiesToHost})";
}

/// <summary>The counter cannot count here (not built, loaded too late, or blind to this libtorch); one line.</summary>
public sealed class HostSyncCounterException(string message) : Exception(message);

/// <summary>
/// Reads the counts of the native counter. The counter works by defining libtorch's own symbols
/// and forwarding them, so it must be loaded (RTLD_GLOBAL) before libtorch: <see cref="Load"/>
/// refuses once libtorch is in the process. Not seen: TorchSharp's item&lt;T&gt; / data&lt;T&gt; of a
/// CPU tensor, which read its memory without calling libtorch (on CUDA they copy to the CPU first,
/// and are counted).
/// </summary>
public sealed class HostSyncCounter
{
    public const string LibraryFile = "libgazeinsight_host_syncs.so";
    private const int RtldNow = 2, RtldNoLoad = 4, RtldGlobal = 0x100;
    private const int Kinds = 4;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int ReadCounts([Out] long[] counts, int capacity);

    private readonly ReadCounts _read;

    private HostSyncCounter(IntPtr read) => _read = Marshal.GetDelegateForFunctionPointer<ReadCounts>(read);

    /// <summary>Loads the counter from <paramref name="folder"/> (default: where the build puts it, beside
    /// libLibTorchSharp.so: this assembly's runtimes/linux-x64/native, or its own folder in a published runner).</summary>
    /// <exception cref="HostSyncCounterException">Not built, not loadable, or libtorch already loaded.</exception>
    public static HostSyncCounter Load(string? folder = null)
    {
        if (!OperatingSystem.IsLinux()) throw new HostSyncCounterException("the host-sync counter is built for Linux only");
        var candidates = folder is not null
            ? [Path.Combine(folder, LibraryFile)]
            : new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", LibraryFile), Path.Combine(AppContext.BaseDirectory, LibraryFile) };
        var path = candidates.FirstOrDefault(File.Exists)
            ?? throw new HostSyncCounterException($"{candidates[0]} is missing: the build makes it with g++ (build/native/host-syncs.sh)");
        if (dlopen("libtorch_cpu.so", RtldNow | RtldNoLoad) != IntPtr.Zero)
            throw new HostSyncCounterException("libtorch is already loaded: the host-sync counter must be loaded before it to see its calls");
        var handle = dlopen(path, RtldNow | RtldGlobal);
        if (handle == IntPtr.Zero) throw new HostSyncCounterException($"{path} did not load: {Marshal.PtrToStringUTF8(dlerror())}");
        var read = dlsym(handle, "gazeinsight_host_syncs");
        if (read == IntPtr.Zero) throw new HostSyncCounterException($"{path} has no gazeinsight_host_syncs: rebuild it");
        return new HostSyncCounter(read);
    }

    public HostSyncCounts Read()
    {
        var counts = new long[Kinds];
        var kinds = _read(counts, Kinds);
        if (kinds != Kinds) throw new HostSyncCounterException($"the host-sync counter counts {kinds} kinds, this build reads {Kinds}: rebuild it");
        return new HostSyncCounts(counts[0], counts[1], counts[2], counts[3]);
    }

    /// <summary>
    /// Makes one call of each counted kind on <paramref name="device"/> and checks that each was
    /// seen exactly once, so that a zero count means no calls rather than a counter that misses
    /// them (a libtorch whose symbols differ from the ones the counter defines).
    /// </summary>
    public void Calibrate(Device device)
    {
        using var scope = NewDisposeScope();
        var before = Read();
        var values = arange(4, device: device);
        _ = values.sum().ToScalar();
        var scalar = Read() - before;
        _ = values.gt(1).nonzero();
        var shape = Read() - before - scalar;
        _ = tensor(new[] { 1f, 2f }, device: device);
        var upload = Read() - before - scalar - shape;
        _ = values.cpu();
        var copy = Read() - before - scalar - shape - upload;
        var seen = new (string Kind, long Count)[]
        {
            ("a scalar read", scalar.ScalarReads), ("a value-dependent shape", shape.ValueDependentShapes),
            ("an upload", upload.HostUploads), ("a copy to host", copy.CopiesToHost),
        };
        var total = (Read() - before).Total;
        if (seen.Any(s => s.Count != 1) || total != seen.Length)
            throw new HostSyncCounterException(
                "the host-sync counter did not see one call of each kind (" + string.Join(", ", seen.Select(s => $"{s.Kind}: {s.Count}")) +
                $", {total} in all): this libtorch's symbols differ from the ones build/native/host_syncs.cpp defines");
    }

    [DllImport("libc.so.6")]
    private static extern IntPtr dlopen(string? file, int mode);

    [DllImport("libc.so.6")]
    private static extern IntPtr dlsym(IntPtr handle, string name);

    [DllImport("libc.so.6")]
    private static extern IntPtr dlerror();
}
