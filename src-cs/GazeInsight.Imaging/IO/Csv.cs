using System.Globalization;
using System.Text;

namespace GazeInsight.Imaging.IO;

/// <summary>
/// The text of every CSV file GazeInsight writes and reads (fixations, per-case metrics, curves,
/// tables): RFC 4180 quoting, one record per line, numbers in the invariant culture in their
/// shortest round-trip form, undefined and infinite values as numpy and pandas spell them.
/// </summary>
public static class Csv
{
    /// <summary>The field as written: quoted (quotes doubled) when it holds a comma, quote or line break.</summary>
    public static string Field(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    /// <summary>Shortest text that reads back to the same double; NaN is <c>nan</c>, infinities <c>inf</c> and <c>-inf</c>.</summary>
    public static string Number(double v) =>
        double.IsNaN(v) ? "nan"
        : double.IsPositiveInfinity(v) ? "inf"
        : double.IsNegativeInfinity(v) ? "-inf"
        : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Reads what <see cref="Number"/> writes (and .NET's own NaN / Infinity spelling).</summary>
    public static bool TryParseNumber(string s, out double value)
    {
        switch (s.Trim().ToLowerInvariant())
        {
            case "nan":
                value = double.NaN;
                return true;
            case "inf" or "+inf" or "infinity":
                value = double.PositiveInfinity;
                return true;
            case "-inf" or "-infinity":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    /// <summary>The RFC 4180 fields of one line (quotes, doubled quotes); null when a quote is unterminated.</summary>
    public static List<string>? SplitLine(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        if (quoted)
        {
            return null;
        }
        fields.Add(current.ToString());
        return fields;
    }
}
