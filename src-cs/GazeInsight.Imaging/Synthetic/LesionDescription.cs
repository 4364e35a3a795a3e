namespace GazeInsight.Imaging.Synthetic;

/// <summary>
/// The structured description of method.md §3 (the fields a VLM is asked for), as the synthetic
/// generator writes it to <c>text/descriptions.jsonl</c>: all values are strings.
/// </summary>
public sealed record LesionDescription(
    string Id,
    string Location,
    string Boundary,
    string Characteristics,
    string AreaPercentage,
    string Confidence,
    string Remarks);
