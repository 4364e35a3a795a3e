namespace GazeInsight.Torch.Training;

/// <summary>Number format of a training step's forward and backward passes (train.precision).</summary>
public enum Precision
{
    /// <summary>fp32 throughout (on CUDA with TF32 matmuls and convolutions, <see cref="Backend.TorchBackend.UseTf32"/>).</summary>
    Float32,

    /// <summary>
    /// bf16 activations and weights in the passes, fp32 master weights for the optimiser, and fp32
    /// losses (docs/method-notes.md, "Precision and memory layout").
    /// </summary>
    BFloat16,
}
