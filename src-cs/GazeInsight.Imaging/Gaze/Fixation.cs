namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// One fixation as in the released GazeMedSeg CSV (method.md §2): <c>IMAGE</c> (file name with
/// extension), <c>CURRENT_FIX_INDEX</c> (1-based order), <c>CURRENT_FIX_X/Y</c> (normalised 0..1
/// from the top-left), <c>CURRENT_FIX_DURATION</c> (ms), <c>CURRENT_FIX_PUPIL</c>,
/// <c>CURRENT_FIX_START</c> (ms), <c>IMAGE_HEIGHT</c>, <c>IMAGE_WIDTH</c>.
/// </summary>
public sealed record Fixation(
    string Image,
    int Index,
    double X,
    double Y,
    double DurationMs,
    double Pupil,
    double StartMs,
    int ImageHeight,
    int ImageWidth);
