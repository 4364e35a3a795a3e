using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Losses;

/// <summary>
/// AFC (method.md §5): mean over the scales of the per-pixel (1 - cosine similarity) along the
/// channels between the student's adapted feature and the teacher's D_s, the teacher detached so
/// that alignment trains only the student.
/// </summary>
public static class FeatureAlignment
{
    /// <param name="student">Adapted student features, [B, C_s, h_s, w_s] per scale.</param>
    /// <param name="teacher">Teacher features of the same shapes (detached here).</param>
    public static Tensor Loss(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher)
    {
        if (student.Count != teacher.Count || student.Count == 0)
            throw new ArgumentException($"alignment needs the same positive number of scales, got {student.Count} and {teacher.Count}");
        using var scope = NewDisposeScope();
        Tensor? total = null;
        for (var s = 0; s < student.Count; s++)
        {
            var term = (1 - nn.functional.cosine_similarity(student[s], teacher[s].detach(), dim: 1)).mean();
            total = total is null ? term : total + term;
        }
        return (total! / student.Count).MoveToOuterDisposeScope();
    }
}
