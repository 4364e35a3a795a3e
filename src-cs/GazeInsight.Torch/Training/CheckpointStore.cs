using System.Text.Json;
using GazeInsight.Imaging.IO;
using GazeInsight.Torch.Methods;

namespace GazeInsight.Torch.Training;

/// <summary>
/// Checkpoints of one run under OUT/checkpoints/: "last" (weights, optimiser state and
/// bookkeeping, to resume exactly) and "best" (weights of the best validation score). Each is
/// written into a temporary folder and swapped in by renames, so a kill at any moment leaves the
/// previous complete checkpoint.
/// </summary>
public sealed class CheckpointStore(string outputDir)
{
    private const string StateFile = "state.json";
    private const string DataShapeName = "data-shape.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Root { get; } = Path.Combine(outputDir, "checkpoints");
    public string LastFolder => Path.Combine(Root, "last");
    public string BestFolder => Path.Combine(Root, "best");

    public void SaveLast(ISegmentationMethod method, CheckpointState state) => Save(LastFolder, method, state, withOptimizers: true);

    public void SaveBest(ISegmentationMethod method, CheckpointState state) => Save(BestFolder, method, state, withOptimizers: false);

    /// <summary>Loads "last" into the method and returns its bookkeeping, or null when there is none.</summary>
    public CheckpointState? TryResume(ISegmentationMethod method)
    {
        RecoverInterruptedSwap(LastFolder);
        RecoverInterruptedSwap(BestFolder);
        var statePath = Path.Combine(LastFolder, StateFile);
        if (!File.Exists(statePath)) return null;
        method.Load(LastFolder, withOptimizers: true);
        return JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(statePath), Json)
            ?? throw new InvalidDataException($"{statePath}: empty checkpoint state");
    }

    public bool HasBest => File.Exists(Path.Combine(BestFolder, StateFile));

    public void LoadBest(ISegmentationMethod method) => method.Load(BestFolder, withOptimizers: false);

    /// <summary>Where the data shape the networks were built for is kept (read back by <c>runner predict</c>).</summary>
    public string DataShapeFile => Path.Combine(Root, DataShapeName);

    /// <summary>Records the channels and text size D the method's networks were built for.</summary>
    public void WriteDataShape(DataShape shape)
    {
        Directory.CreateDirectory(Root);
        AtomicFile.WriteAllText(DataShapeFile, JsonSerializer.Serialize(shape, Json));
    }

    /// <summary>The recorded data shape, or null for a cell trained before it was recorded.</summary>
    public DataShape? ReadDataShape() =>
        File.Exists(DataShapeFile)
            ? JsonSerializer.Deserialize<DataShape>(File.ReadAllText(DataShapeFile), Json)
              ?? throw new InvalidDataException($"{DataShapeFile}: empty data shape")
            : null;

    private static void Save(string folder, ISegmentationMethod method, CheckpointState state, bool withOptimizers)
    {
        var temp = folder + ".tmp";
        var old = folder + ".old";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        method.Save(temp, withOptimizers);
        File.WriteAllText(Path.Combine(temp, StateFile), JsonSerializer.Serialize(state, Json));
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(folder)) Directory.Move(folder, old);
        Directory.Move(temp, folder);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    // A kill between the two renames leaves only "<name>.old": it is the last complete checkpoint.
    private static void RecoverInterruptedSwap(string folder)
    {
        var old = folder + ".old";
        if (!Directory.Exists(folder) && Directory.Exists(old)) Directory.Move(old, folder);
    }
}
