using GazeInsight.Torch.Benchmarks;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Benchmarks;

/// <summary>
/// The host-sync counter stands in front of libtorch's symbols, so it only counts when it is in
/// the process first: loaded after libtorch it would see some calls and miss others, and it says
/// so instead. (Its counting is checked where it can run: the bench-train-step --count-syncs test.)
/// </summary>
public class HostSyncCounterTests
{
    [Fact]
    public void LoadingAfterLibtorchIsRefusedWithTheReason()
    {
        using var loaded = ones(1);   // libtorch is in this process from here on
        var error = Assert.Throws<HostSyncCounterException>(() => HostSyncCounter.Load());
        Assert.Contains("libtorch is already loaded", error.Message);
    }

    [Fact]
    public void AMissingLibraryNamesThePathAndHowItIsBuilt()
    {
        var folder = Path.Combine(Path.GetTempPath(), "no-counter-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<HostSyncCounterException>(() => HostSyncCounter.Load(folder));
        Assert.Contains(Path.Combine(folder, HostSyncCounter.LibraryFile), error.Message);
        Assert.Contains("host-syncs.sh", error.Message);
    }

    [Fact]
    public void CountsSubtractAndAddKindByKind()
    {
        var later = new HostSyncCounts(3, 2, 5, 1);
        var earlier = new HostSyncCounts(1, 2, 4, 0);
        Assert.Equal(new HostSyncCounts(2, 0, 1, 1), later - earlier);
        Assert.Equal(4, (later - earlier).Total);
        Assert.Equal(later, earlier + (later - earlier));
    }
}
