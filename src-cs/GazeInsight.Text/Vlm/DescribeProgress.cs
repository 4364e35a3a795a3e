namespace GazeInsight.Text.Vlm;

/// <summary>Reported after each image.</summary>
/// <param name="Done">images handled so far (cached ones included).</param>
/// <param name="Total">images in this pass.</param>
/// <param name="Id">the image just handled.</param>
/// <param name="Status"><c>cached</c>, <c>described</c>, <c>failed</c> or <c>cached-failure</c>.</param>
/// <param name="Detail">for a failure, why (one line).</param>
public sealed record DescribeProgress(int Done, int Total, string Id, string Status, string? Detail = null);
