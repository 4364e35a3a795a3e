namespace GazeInsight.Imaging.Data;

/// <summary>Decides the intensity normalisation (method.md §7).</summary>
public enum Modality
{
    /// <summary>8-bit RGB photographs: ImageNet mean/std.</summary>
    Rgb,
    /// <summary>MRI slices: z-score per slice (population std).</summary>
    Mri,
}
