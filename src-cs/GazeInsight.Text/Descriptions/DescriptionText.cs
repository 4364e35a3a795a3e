using System.Security.Cryptography;
using System.Text;
using GazeInsight.Imaging.Data;

namespace GazeInsight.Text.Descriptions;

/// <summary>
/// The one function that turns a structured description into the text that is embedded.
/// Field order and wording are fixed so that the same description always gives the same
/// embedding; any change here changes <see cref="Hash"/> and so re-embeds every id.
/// </summary>
public static class DescriptionText
{
    /// <summary>
    /// Renders <c>Location: v. Boundary: v. Characteristics: v. Area Percentage: v. Confidence: v. Remarks: v.</c>
    /// in that order (the paper's field order). Each value is trimmed, inner runs of white space
    /// become one space, and one trailing full stop is dropped before the separator is added, so
    /// "No other abnormal regions." does not end in "..". Empty values are kept as "Field: ."
    /// so that every text names all six fields.
    /// </summary>
    public static string Render(LesionDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var sb = new StringBuilder(256);
        Append(sb, DescriptionFile.Location, description.Location);
        Append(sb, DescriptionFile.Boundary, description.Boundary);
        Append(sb, DescriptionFile.Characteristics, description.Characteristics);
        Append(sb, DescriptionFile.AreaPercentage, description.AreaPercentage);
        Append(sb, DescriptionFile.Confidence, description.Confidence);
        Append(sb, DescriptionFile.Remarks, description.Remarks);
        return sb.ToString();
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text: the manifest's record of what was embedded.</summary>
    public static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static void Append(StringBuilder sb, string field, string value)
    {
        if (sb.Length > 0)
        {
            sb.Append(' ');
        }

        var v = string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (v.EndsWith('.'))
        {
            v = v[..^1].TrimEnd();
        }

        sb.Append(field).Append(": ").Append(v).Append('.');
    }
}
