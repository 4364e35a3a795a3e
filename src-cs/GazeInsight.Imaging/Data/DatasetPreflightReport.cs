namespace GazeInsight.Imaging.Data;

/// <summary>What <see cref="DatasetPreflight.Run"/> found: the splits' ids and every problem (one line each).</summary>
public sealed record DatasetPreflightReport(IReadOnlyList<string> TrainIds, IReadOnlyList<string> TestIds, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}
