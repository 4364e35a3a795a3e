namespace GazeInsight.Torch.Training;

/// <summary>
/// The FGI teacher–student method (method.md §4–§6) with its ablations as data. Defaults follow
/// the released code. The student's widths are the request's Features; the teacher's are
/// <see cref="TeacherFeatures"/>.
/// </summary>
public sealed record Fgi : MethodOptions
{
    /// <summary>Gaze threshold of the teacher's high-confidence mask M_hc (the smaller mask).</summary>
    public double HighThreshold { get; init; } = 0.5;
    /// <summary>Gaze threshold of the student's broad mask M_bc (the larger mask).</summary>
    public double LowThreshold { get; init; } = 0.3;
    /// <summary>Teacher BasicUNet features (paper: 64, 128, 256, 512, 1024, 128).</summary>
    public int[] TeacherFeatures { get; init; } = [64, 128, 256, 512, 1024, 128];
    /// <summary>Channels of both networks' feature maps before the head (128).</summary>
    public int FeatureSize { get; init; } = 128;
    /// <summary>Text fusion in the teacher; off is the "without text" ablation.</summary>
    public bool TextFusion { get; init; } = true;
    /// <summary>Size D of the text token embeddings the runner supplies (384 MiniLM, 768 RoBERTa).</summary>
    public int TextDim { get; init; } = 384;
    public int AttentionHeads { get; init; } = 8;
    public FusionWeight FusionWeight { get; init; } = FusionWeight.Fixed;
    public SupervisedLoss SupervisedLoss { get; init; } = SupervisedLoss.Bce;
    /// <summary>Effective AFC weight (paper 0.1, code 0.1 * 0.5 = 0.05); 0 is the "without AFC" ablation.</summary>
    public double AfcWeight { get; init; } = 0.05;
    public CwcVariant Cwc { get; init; } = CwcVariant.Bidirectional;
    public double CwcWeight { get; init; } = 1.0;
    public double TauPositive { get; init; } = 0.8;
    public double TauNegative { get; init; } = 0.2;
    /// <summary>Half-width of the uniform noise added to the CutMixed images (0.2).</summary>
    public double CutMixNoise { get; init; } = 0.2;
    public DarmOptions Darm { get; init; } = new DarmMasking(DarmRegion.GazeDisagreement);
    /// <summary>Ramp-up length T of w(t) in iterations (4000); 0 disables the ramp.</summary>
    public int RampUp { get; init; } = 4000;
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
