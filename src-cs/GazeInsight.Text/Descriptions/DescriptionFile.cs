using GazeInsight.Imaging.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using GazeInsight.Imaging;
using GazeInsight.Imaging.Data;

namespace GazeInsight.Text.Descriptions;

/// <summary>
/// <c>text/descriptions.jsonl</c>: one JSON object per line, keys exactly <c>id</c> and the six
/// description fields, all values strings. Blank lines are ignored.
/// </summary>
public static class DescriptionFile
{
    /// <summary>Path of the file relative to a data root.</summary>
    public const string RelativePath = "text/descriptions.jsonl";

    /// <summary>Key of the image id.</summary>
    public const string Id = "id";

    /// <summary>Field key (method.md §3).</summary>
    public const string Location = "Location";

    /// <summary>Field key.</summary>
    public const string Boundary = "Boundary";

    /// <summary>Field key.</summary>
    public const string Characteristics = "Characteristics";

    /// <summary>Field key (with its space, as the paper's prompt spells it).</summary>
    public const string AreaPercentage = "Area Percentage";

    /// <summary>Field key.</summary>
    public const string Confidence = "Confidence";

    /// <summary>Field key.</summary>
    public const string Remarks = "Remarks";

    /// <summary>The six description fields in the paper's (and the rendering's) order.</summary>
    public static IReadOnlyList<string> FieldNames { get; } =
        [Location, Boundary, Characteristics, AreaPercentage, Confidence, Remarks];

    /// <summary>The file under <paramref name="dataRoot"/>.</summary>
    public static string PathIn(string dataRoot) => Path.Combine(dataRoot, "text", "descriptions.jsonl");

    /// <summary>Reads and checks every line, then fails on the first problem if there is any.</summary>
    /// <returns>Descriptions in file order.</returns>
    /// <exception cref="InvalidInputException">missing file, a line that is not a JSON object, missing/extra keys, non-string values, empty or duplicate or path-unsafe ids (the message counts further problems).</exception>
    public static IReadOnlyList<LesionDescription> Read(string path)
    {
        var (descriptions, problems) = ReadAll(path);
        if (problems.Count > 0)
        {
            var first = problems[0];
            throw problems.Count == 1
                ? first
                : new InvalidInputException(first.File, first.Place, $"{first.Problem} (and {problems.Count - 1} more problems in this file)");
        }

        return descriptions;
    }

    /// <summary>Reads every line, collecting every problem instead of stopping at the first.</summary>
    /// <exception cref="InvalidInputException">missing or unreadable file.</exception>
    public static (IReadOnlyList<LesionDescription> Descriptions, IReadOnlyList<InvalidInputException> Problems) ReadAll(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException(path, null, "file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, null, $"cannot read: {e.Message}", e);
        }

        var result = new List<LesionDescription>(lines.Length);
        var problems = new List<InvalidInputException>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var place = $"line {i + 1}";
            var (d, problem) = ParseLine(lines[i]);
            if (d is null)
            {
                problems.Add(new InvalidInputException(path, place, problem!));
                continue;
            }

            if (seen.TryGetValue(d.Id, out var firstLine))
            {
                problems.Add(new InvalidInputException(path, place, $"duplicate id '{d.Id}' (first on line {firstLine})"));
                continue;
            }

            seen[d.Id] = i + 1;
            result.Add(d);
        }

        return (result, problems);
    }

    /// <summary>Parses one line; returns the description, or null and the problem.</summary>
    public static (LesionDescription? Description, string? Problem) ParseLine(string line)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return (null, $"not valid JSON: {e.Message}");
        }

        using (doc)
        {
            return FromObject(doc.RootElement, requireId: true, id: null);
        }
    }

    /// <summary>
    /// Reads a description object. With <paramref name="requireId"/> the keys must be exactly
    /// <c>id</c> plus the six fields; without it exactly the six fields, and <paramref name="id"/> is used.
    /// </summary>
    public static (LesionDescription? Description, string? Problem) FromObject(JsonElement obj, bool requireId, string? id)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return (null, $"expected a JSON object, got {obj.ValueKind}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var expected = requireId ? FieldNames.Prepend(Id).ToArray() : [.. FieldNames];
        foreach (var p in obj.EnumerateObject())
        {
            if (!expected.Contains(p.Name, StringComparer.Ordinal))
            {
                return (null, $"unexpected key '{p.Name}' (keys are {string.Join(", ", expected.Select(k => $"'{k}'"))})");
            }

            if (p.Value.ValueKind != JsonValueKind.String)
            {
                return (null, $"key '{p.Name}': expected a string, got {p.Value.ValueKind}");
            }

            if (!values.TryAdd(p.Name, p.Value.GetString()!))
            {
                return (null, $"key '{p.Name}' appears twice");
            }
        }

        var missing = expected.Where(k => !values.ContainsKey(k)).ToArray();
        if (missing.Length > 0)
        {
            return (null, $"missing key{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Select(k => $"'{k}'"))}");
        }

        var theId = requireId ? values[Id] : id ?? "";
        if (requireId)
        {
            var idProblem = IdProblem(theId);
            if (idProblem is not null)
            {
                return (null, idProblem);
            }
        }

        return (new LesionDescription(theId, values[Location], values[Boundary], values[Characteristics],
            values[AreaPercentage], values[Confidence], values[Remarks]), null);
    }

    /// <summary>Why <paramref name="id"/> cannot name a file <c>embeddings/&lt;id&gt;.npy</c>; null when it can.</summary>
    public static string? IdProblem(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return "empty id";
        }

        if (id != id.Trim() || id is "." or ".." || id.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            return $"id '{id}' cannot be a file name (no slashes, '.', '..' or surrounding spaces)";
        }

        return null;
    }

    /// <summary>The JSON Lines text of one description (keys in the file's order, no escaping of non-ASCII text).</summary>
    public static string FormatLine(LesionDescription d)
    {
        ArgumentNullException.ThrowIfNull(d);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString(Id, d.Id);
            w.WriteString(Location, d.Location);
            w.WriteString(Boundary, d.Boundary);
            w.WriteString(Characteristics, d.Characteristics);
            w.WriteString(AreaPercentage, d.AreaPercentage);
            w.WriteString(Confidence, d.Confidence);
            w.WriteString(Remarks, d.Remarks);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the descriptions, one line each, atomically (temporary file renamed over the target).</summary>
    public static void Write(string path, IEnumerable<LesionDescription> descriptions)
    {
        ArgumentNullException.ThrowIfNull(descriptions);
        var text = new StringBuilder();
        foreach (var d in descriptions)
        {
            text.Append(FormatLine(d)).Append('\n');
        }

        AtomicFile.WriteAllText(path, text.ToString());
    }
}
