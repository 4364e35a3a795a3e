namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Matches the CSV's <c>IMAGE</c> names to data set ids: the name without its extension
/// (Kvasir <c>&lt;id&gt;.jpg</c> -> <c>&lt;id&gt;</c>; NCI-ISBI <c>&lt;case&gt;_&lt;k&gt;.jpg</c> -> the
/// id whose image is <c>.dcm</c> and mask <c>.png</c>), exactly, else ignoring case when that
/// is unambiguous.
/// </summary>
public sealed class GazeImageMatcher
{
    private readonly HashSet<string> _ids;
    private readonly Dictionary<string, string?> _folded = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A matcher for the data set's ids.</summary>
    public GazeImageMatcher(IEnumerable<string> ids)
    {
        _ids = new HashSet<string>(ids, StringComparer.Ordinal);
        foreach (string id in _ids)
        {
            // Two ids differing only in case make the case-insensitive match ambiguous.
            _folded[id] = _folded.ContainsKey(id) ? null : id;
        }
    }

    /// <summary>The id for an <c>IMAGE</c> value, or null when the data set has none.</summary>
    public string? Match(string imageName)
    {
        string name = imageName.Trim().Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        string stem = Path.GetFileNameWithoutExtension(name);
        foreach (string candidate in new[] { stem, name })
        {
            if (_ids.Contains(candidate))
            {
                return candidate;
            }
        }
        foreach (string candidate in new[] { stem, name })
        {
            if (_folded.TryGetValue(candidate, out string? id) && id is not null)
            {
                return id;
            }
        }
        return null;
    }
}
