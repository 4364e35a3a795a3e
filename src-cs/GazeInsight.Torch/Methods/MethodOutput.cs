namespace GazeInsight.Torch.Methods;

/// <summary>
/// A network output a method predicts with. The lower-case name ("model", "teacher", ...) is the
/// one experiment files, cases.csv, tables and <c>runner predict --output</c> use; the F# side's
/// <c>Output</c> union is checked against this enum by a test.
/// </summary>
public enum MethodOutput
{
    /// <summary>The one network of a single-network method (full, gaze, GazeMedSeg's level average).</summary>
    Model,
    /// <summary>FGI's text-aware teacher.</summary>
    Teacher,
    /// <summary>FGI's image-only student.</summary>
    Student,
    /// <summary>Mean of FGI's teacher and student logits.</summary>
    Average,
}
