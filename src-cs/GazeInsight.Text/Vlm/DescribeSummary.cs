namespace GazeInsight.Text.Vlm;

/// <summary>What a describe pass did.</summary>
/// <param name="Images">images in the pass.</param>
/// <param name="Described">described by the server in this pass.</param>
/// <param name="FromCache">taken from the cache (earlier passes).</param>
/// <param name="Failed">ids without a description (failures of this pass and cached failures), with the reason.</param>
/// <param name="Requests">HTTP requests sent.</param>
public sealed record DescribeSummary(int Images, int Described, int FromCache, IReadOnlyList<(string Id, string Reason)> Failed, int Requests);
