namespace GazeInsight.Imaging.Data;

/// <summary>
/// The structured description of one image (method.md §3: the fields a VLM is asked for), a
/// data set's <c>text/descriptions.jsonl</c> line: all values are strings. The text pipeline
/// (GazeInsight.Text: VLM, description files, embeddings) reads and writes it; it lives with the
/// data set's other per-image records because the synthetic generator, below Text, makes it too.
/// </summary>
public sealed record LesionDescription(
    string Id,
    string Location,
    string Boundary,
    string Characteristics,
    string AreaPercentage,
    string Confidence,
    string Remarks);
