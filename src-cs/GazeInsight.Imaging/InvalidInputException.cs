namespace GazeInsight.Imaging;

/// <summary>
/// A user's file is unusable (corrupt, truncated, wrong size, unsupported variant...).
/// The message is the whole one-line error the CLI prints: <c>file:place: problem</c>
/// (the place is omitted where there is none). The CLI turns this into exit code 2.
/// </summary>
public sealed class InvalidInputException : Exception
{
    /// <summary>Wraps an already formatted one-line message.</summary>
    public InvalidInputException(string message)
        : base(OneLine(message))
    {
        File = "";
        Place = null;
        Problem = Message;
    }

    /// <summary>Formats <c>file:place: problem</c> (or <c>file: problem</c> without a place).</summary>
    public InvalidInputException(string file, string? place, string problem, Exception? inner = null)
        : base(OneLine(Format(file, place, problem)), inner)
    {
        File = file;
        Place = place;
        Problem = problem;
    }

    /// <summary>The file the problem is in (empty when the message was given preformatted).</summary>
    public string File { get; }

    /// <summary>Line, key, pixel, byte offset or tag where the problem is; null when it is the whole file.</summary>
    public string? Place { get; }

    /// <summary>The problem alone, without file and place.</summary>
    public string Problem { get; }

    /// <summary>The <c>file:place: problem</c> text, shared with code that collects problems without throwing.</summary>
    public static string Format(string file, string? place, string problem) =>
        string.IsNullOrEmpty(place) ? $"{file}: {problem}" : $"{file}:{place}: {problem}";

    // A decoder's message may carry line breaks; the CLI contract is one line.
    private static string OneLine(string s) =>
        s.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ').Trim();
}
