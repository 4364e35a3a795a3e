using System.Globalization;
using System.Text;
using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Reads and writes the released GazeMedSeg fixation CSV (method.md §2). Columns are found by
/// header name (any order, extra columns ignored). Whole-file problems (missing, not UTF-8, no
/// header, a required column missing) throw <see cref="InvalidInputException"/>; a bad row is
/// skipped and reported as a <see cref="FixationIssue"/> with its line number.
/// </summary>
public static class FixationCsv
{
    /// <summary>The released column order, also the order <c>Write</c> uses.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "IMAGE", "CURRENT_FIX_INDEX", "CURRENT_FIX_X", "CURRENT_FIX_Y", "CURRENT_FIX_DURATION",
        "CURRENT_FIX_PUPIL", "CURRENT_FIX_START", "IMAGE_HEIGHT", "IMAGE_WIDTH",
    ];

    /// <summary>Reads a fixation CSV file.</summary>
    public static FixationTable Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, null, $"cannot read the file ({e.Message})", e);
        }
        return Parse(path, bytes);
    }

    /// <summary>Parses CSV bytes; <paramref name="nameForErrors"/> names the file in messages.</summary>
    public static FixationTable Parse(string nameForErrors, ReadOnlySpan<byte> bytes)
    {
        List<string> lines = DecodeLines(nameForErrors, bytes);
        int headerLine = lines.FindIndex(l => l.Trim().Length > 0);
        if (headerLine < 0)
        {
            throw new InvalidInputException(nameForErrors, null, "the file is empty (expected a header with " + string.Join(",", Columns) + ")");
        }
        List<string>? header = Csv.SplitLine(lines[headerLine]);
        if (header is null)
        {
            throw new InvalidInputException(nameForErrors, $"line {headerLine + 1}", "unterminated quote in the header");
        }
        var column = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Count; i++)
        {
            column.TryAdd(header[i].Trim(), i);
        }
        string[] missing = Columns.Where(c => !column.ContainsKey(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidInputException(nameForErrors, $"line {headerLine + 1}", $"missing column(s) {string.Join(", ", missing)} in the header");
        }
        int[] at = Columns.Select(c => column[c]).ToArray();

        var rows = new List<FixationRow>();
        var issues = new List<FixationIssue>();
        for (int li = headerLine + 1; li < lines.Count; li++)
        {
            int lineNumber = li + 1;
            if (lines[li].Trim().Length == 0)
            {
                continue;
            }
            List<string>? cells = Csv.SplitLine(lines[li]);
            if (cells is null)
            {
                issues.Add(new FixationIssue(lineNumber, "unterminated quote"));
                continue;
            }
            string? problem = ParseRow(cells, at, out Fixation? fixation);
            if (problem is not null)
            {
                issues.Add(new FixationIssue(lineNumber, problem));
            }
            else
            {
                rows.Add(new FixationRow(lineNumber, fixation!));
            }
        }
        return new FixationTable(nameForErrors, rows, issues);
    }

    /// <summary>Writes fixations in the released format (invariant culture, header first).</summary>
    public static void Write(string path, IEnumerable<Fixation> fixations)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        Write(writer, fixations);
    }

    /// <summary>Writes fixations in the released format to a text writer.</summary>
    public static void Write(TextWriter writer, IEnumerable<Fixation> fixations)
    {
        writer.Write(string.Join(",", Columns));
        writer.Write('\n');
        foreach (Fixation f in fixations)
        {
            writer.Write(string.Join(",",
                Csv.Field(f.Image),
                f.Index.ToString(CultureInfo.InvariantCulture),
                Csv.Number(f.X),
                Csv.Number(f.Y),
                Csv.Number(f.DurationMs),
                Csv.Number(f.Pupil),
                Csv.Number(f.StartMs),
                f.ImageHeight.ToString(CultureInfo.InvariantCulture),
                f.ImageWidth.ToString(CultureInfo.InvariantCulture)));
            writer.Write('\n');
        }
    }


    private static string? ParseRow(List<string> cells, int[] at, out Fixation? fixation)
    {
        fixation = null;
        int needed = at.Max() + 1;
        if (cells.Count < needed)
        {
            return $"expected at least {needed} fields, found {cells.Count}";
        }
        string image = cells[at[0]].Trim();
        if (image.Length == 0)
        {
            return "IMAGE is empty";
        }
        var values = new double[8];
        for (int k = 1; k < Columns.Count; k++)
        {
            string text = cells[at[k]].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            {
                return $"{Columns[k]} is not a number: '{Shorten(text)}'";
            }
            values[k - 1] = v;
        }
        (double index, double x, double y, double duration, double pupil, double start, double height, double width) =
            (values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]);
        if (index < 1 || index != Math.Floor(index) || index > int.MaxValue)
        {
            return $"CURRENT_FIX_INDEX must be a positive integer, got {Shorten(cells[at[1]].Trim())}";
        }
        if (x < 0 || x > 1)
        {
            return $"CURRENT_FIX_X {x.ToString(CultureInfo.InvariantCulture)} is outside the image (expected 0..1)";
        }
        if (y < 0 || y > 1)
        {
            return $"CURRENT_FIX_Y {y.ToString(CultureInfo.InvariantCulture)} is outside the image (expected 0..1)";
        }
        if (duration <= 0)
        {
            return $"CURRENT_FIX_DURATION must be positive, got {duration.ToString(CultureInfo.InvariantCulture)}";
        }
        if (start < 0)
        {
            return $"CURRENT_FIX_START must be >= 0, got {start.ToString(CultureInfo.InvariantCulture)}";
        }
        if (height < 1 || width < 1 || height != Math.Floor(height) || width != Math.Floor(width) || height > int.MaxValue || width > int.MaxValue)
        {
            return $"IMAGE_HEIGHT/IMAGE_WIDTH must be positive integers, got {height.ToString(CultureInfo.InvariantCulture)}x{width.ToString(CultureInfo.InvariantCulture)}";
        }
        fixation = new Fixation(image, (int)index, x, y, duration, pupil, start, (int)height, (int)width);
        return null;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";

    /// <summary>Splits the file into lines, decoding each as strict UTF-8 so the error can name the line.</summary>
    private static List<string> DecodeLines(string name, ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        var strict = new UTF8Encoding(false, true);
        var lines = new List<string>();
        int lineNumber = 1;
        while (true)
        {
            int newline = bytes.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? bytes : bytes[..newline];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            try
            {
                lines.Add(strict.GetString(line));
            }
            catch (DecoderFallbackException)
            {
                throw new InvalidInputException(name, $"line {lineNumber}", "not valid UTF-8 text");
            }
            if (newline < 0)
            {
                break;
            }
            bytes = bytes[(newline + 1)..];
            lineNumber++;
        }
        return lines;
    }
}
