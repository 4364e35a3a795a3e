using GazeInsight.Torch.Losses;

namespace GazeInsight.Torch.Training;

/// <summary>
/// The FGI teacher–student method (method.md §4–§6) with its ablations as data; the defaults
/// (the released code's) are the TOML layer's, not this record's. The student's widths are the
/// request's Features and both networks' feature size its FeatureSize; the teacher's widths are
/// <see cref="TeacherFeatures"/>; the text size D comes from the data (Methods.DataShape).
/// </summary>
public sealed record Fgi : MethodOptions
{
    /// <summary>Gaze threshold of the teacher's high-confidence mask M_hc (the smaller mask).</summary>
    public required double HighThreshold { get; init; }
    /// <summary>Gaze threshold of the student's broad mask M_bc (the larger mask).</summary>
    public required double LowThreshold { get; init; }
    /// <summary>Teacher BasicUNet features (paper: 64, 128, 256, 512, 1024, 128).</summary>
    public required int[] TeacherFeatures { get; init; }
    /// <summary>Text fusion in the teacher (TOML key <c>text</c>); off is the "without text" ablation.</summary>
    public required bool TextFusion { get; init; }
    /// <summary>Cross-attention heads of the text fusion; must divide the teacher's widths x1..x4.</summary>
    public required int AttentionHeads { get; init; }
    public required FusionWeight FusionWeight { get; init; }
    public required SupervisedLoss SupervisedLoss { get; init; }
    /// <summary>Effective AFC weight (paper 0.1, code 0.1 * 0.5 = 0.05); 0 is the "without AFC" ablation.</summary>
    public required double AfcWeight { get; init; }
    public required CwcVariant Cwc { get; init; }
    public required double CwcWeight { get; init; }
    /// <summary>How CWC reads each network's two-channel logits (TOML key <c>cwc_probability</c>):
    /// as the BCE does (sigmoid of channel 1) or the released code's two-channel softmax.</summary>
    public required CwcProbability CwcProbability { get; init; }
    public required double TauPositive { get; init; }
    public required double TauNegative { get; init; }
    /// <summary>Half-width of the uniform noise added to the CutMixed images (0.2).</summary>
    public required double CutMixNoise { get; init; }
    public required DarmOptions Darm { get; init; }
    /// <summary>Ramp-up length T of w(t) in iterations (4000); 0 disables the ramp.</summary>
    public required int RampUp { get; init; }
}

/// <summary>How the fused text term is added at each scale.</summary>
public enum FusionWeight
{
    /// <summary>Plain residual add (released code).</summary>
    Fixed,
    /// <summary>One learnable scalar per scale, initialised to 1 (seed README).</summary>
    Learnable,
}

/// <summary>Supervised loss of both networks.</summary>
public enum SupervisedLoss
{
    /// <summary>BCE of channel 1 over all pixels (released code).</summary>
    Bce,
    /// <summary>Partial cross-entropy: inside M_hc foreground, outside M_bc background, band ignored (paper).</summary>
    PartialCe,
}

/// <summary>Confidence-weighted consistency between the networks.</summary>
public enum CwcVariant
{
    /// <summary>No consistency term ("without CWC").</summary>
    Off,
    /// <summary>Each network trained on the other's CutMixed logits (released code).</summary>
    Bidirectional,
    /// <summary>Only the student learns from the teacher (paper).</summary>
    TeacherToStudent,
}
