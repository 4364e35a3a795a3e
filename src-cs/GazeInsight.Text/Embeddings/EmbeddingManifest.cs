using GazeInsight.Imaging.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using GazeInsight.Imaging;

namespace GazeInsight.Text.Embeddings;

/// <summary>
/// <c>embeddings/manifest.json</c>: for every file <c>runner text embed</c> wrote, the hash of
/// its text and the encoder fingerprint, so that a rerun re-embeds only what changed. Files with
/// no entry (for example the authors' RoBERTa files) are not ours and are left alone.
/// Format: <c>{"format": 1, "entries": {"&lt;id&gt;": {"text": "&lt;sha256&gt;", "encoder": "&lt;fingerprint&gt;"}}}</c>.
/// </summary>
public sealed class EmbeddingManifest
{
    /// <summary>File name inside the embeddings folder.</summary>
    public const string FileName = "manifest.json";

    private const int Format = 1;
    private readonly SortedDictionary<string, ManifestEntry> _entries;

    private EmbeddingManifest(string path, SortedDictionary<string, ManifestEntry> entries)
    {
        Path = path;
        _entries = entries;
    }

    /// <summary>The manifest file.</summary>
    public string Path { get; }

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Reads the manifest of <paramref name="embeddingsFolder"/>; empty when there is none.</summary>
    /// <exception cref="InvalidInputException">a manifest that is not the expected JSON.</exception>
    public static EmbeddingManifest Load(string embeddingsFolder)
    {
        var path = System.IO.Path.Combine(embeddingsFolder, FileName);
        var entries = new SortedDictionary<string, ManifestEntry>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return new EmbeddingManifest(path, entries);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(path, null, $"not valid JSON: {e.Message} (delete it to re-embed everything)");
        }

        if (root?["format"]?.GetValueKind() != JsonValueKind.Number || (int)root["format"]! != Format
            || root["entries"] is not JsonObject obj)
        {
            throw new InvalidInputException(path, null, $"expected {{\"format\": {Format}, \"entries\": {{...}}}} (delete it to re-embed everything)");
        }

        foreach (var (id, node) in obj)
        {
            if (node?["text"]?.GetValueKind() != JsonValueKind.String || node["encoder"]?.GetValueKind() != JsonValueKind.String)
            {
                throw new InvalidInputException(path, $"entries.{id}", "expected {\"text\": \"...\", \"encoder\": \"...\"}");
            }

            entries[id] = new ManifestEntry((string)node["text"]!, (string)node["encoder"]!);
        }

        return new EmbeddingManifest(path, entries);
    }

    /// <summary>The entry of <paramref name="id"/>, or null.</summary>
    public ManifestEntry? Get(string id) => _entries.GetValueOrDefault(id);

    /// <summary>Records (or replaces) the entry of <paramref name="id"/> (in memory; see <see cref="Save"/>).</summary>
    public void Set(string id, ManifestEntry entry) => _entries[id] = entry;

    /// <summary>Writes the manifest atomically.</summary>
    public void Save()
    {
        var entries = new JsonObject();
        foreach (var (id, e) in _entries)
        {
            entries[id] = new JsonObject { ["text"] = e.TextHash, ["encoder"] = e.Encoder };
        }

        var root = new JsonObject { ["format"] = Format, ["entries"] = entries };
        AtomicFile.WriteAllText(Path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
