using GazeInsight.Torch.Training;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Methods;

/// <summary>
/// A training method (its networks, losses and optimisers) behind one interface, so the
/// experiment loop, evaluation and checkpoints are shared by all methods. What a method reads
/// (gaze, text) and which output picks the best checkpoint are decided from its options by
/// MethodFactory and the spec, not by the instance.
/// </summary>
public interface ISegmentationMethod : IDisposable
{
    /// <summary>Outputs it can predict with, e.g. [Model] or [Teacher, Student, Average] (MethodFactory.Outputs).</summary>
    IReadOnlyList<MethodOutput> Outputs { get; }

    /// <summary>
    /// Its networks by the name their weights have in a checkpoint folder ("model", or "teacher"
    /// and "student"), so that weights from elsewhere (runner import-checkpoint) go into the
    /// very networks training and predicting use.
    /// </summary>
    IReadOnlyDictionary<string, nn.Module> Networks { get; }

    /// <summary>
    /// One optimisation step at <paramref name="iteration"/> (0-based). Returns the total loss as
    /// a detached 0-d tensor left on the device, so the loop reads it only when it logs.
    /// </summary>
    Tensor TrainStep(Batch batch, int iteration);

    /// <summary>
    /// Before the first step of a fresh run: starts each network's lesion logit at the log-odds of
    /// the foreground fraction of its own training target (the true mask, or the gaze map at its
    /// threshold) over the training split, so training does not spend its first iterations
    /// learning the class prior (and overshooting it to "no lesion anywhere").
    /// </summary>
    /// <param name="masks">Training masks [N, 1, S, S] (0/1).</param>
    /// <param name="gaze">Training gaze maps [N, 1, S, S] in [0, 1], or null for a method without gaze.</param>
    void InitialiseForegroundPrior(Tensor masks, Tensor? gaze);

    /// <summary>Logits [B, 2, S, S] of one output; channel 1 is the lesion. Called in eval mode under no_grad.</summary>
    Tensor Predict(Batch batch, MethodOutput output);

    /// <summary>Switches every network between training and evaluation mode.</summary>
    void SetTraining(bool training);

    /// <summary>Sets the learning rate of every optimiser.</summary>
    void SetLearningRate(double learningRate);

    /// <summary>Saves weights and, with <paramref name="withOptimizers"/>, optimiser state into a folder.</summary>
    void Save(string folder, bool withOptimizers);

    /// <summary>Loads what <see cref="Save"/> wrote.</summary>
    void Load(string folder, bool withOptimizers);
}
