namespace GazeInsight.Imaging.Gaze;

/// <summary>A problem with one line of a fixation CSV (1-based line number; the row was skipped).</summary>
public sealed record FixationIssue(int Line, string Problem)
{
    /// <summary>The <c>file:line N: problem</c> text.</summary>
    public string Format(string file) => InvalidInputException.Format(file, $"line {Line}", Problem);
}
