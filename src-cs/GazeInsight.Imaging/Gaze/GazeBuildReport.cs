namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// What <see cref="GazeBuild.Run"/> did: fixation rows used and skipped, images built, CSV
/// images matching no data set id, data set ids without any fixation, and every problem as a
/// one-line <c>file:place: problem</c> text.
/// </summary>
public sealed record GazeBuildReport(
    int FixationsUsed,
    int FixationsSkipped,
    int ImagesBuilt,
    int UnknownImages,
    IReadOnlyList<string> IdsWithoutGaze,
    IReadOnlyList<string> Problems,
    double HeatmapMsPerImage,
    double CrfMsPerImage);
