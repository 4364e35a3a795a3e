namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// A parsed fixation CSV: the usable rows (file order) and the skipped ones with their problems.
/// </summary>
public sealed record FixationTable(string File, IReadOnlyList<FixationRow> Rows, IReadOnlyList<FixationIssue> Issues)
{
    /// <summary>Data rows in the file (used + skipped).</summary>
    public int RowCount => Rows.Count + Issues.Count;

    /// <summary>
    /// Fixations grouped by <c>IMAGE</c> (first appearance order), each group sorted by
    /// <c>CURRENT_FIX_INDEX</c>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<FixationRow>>> ByImage()
    {
        var order = new List<string>();
        var groups = new Dictionary<string, List<FixationRow>>(StringComparer.Ordinal);
        foreach (FixationRow row in Rows)
        {
            if (!groups.TryGetValue(row.Fixation.Image, out List<FixationRow>? list))
            {
                list = [];
                groups[row.Fixation.Image] = list;
                order.Add(row.Fixation.Image);
            }
            list.Add(row);
        }
        return order
            .Select(name => new KeyValuePair<string, IReadOnlyList<FixationRow>>(
                name, groups[name].OrderBy(r => r.Fixation.Index).ThenBy(r => r.Line).ToList()))
            .ToList();
    }
}
