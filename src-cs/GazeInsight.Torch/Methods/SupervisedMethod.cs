using GazeInsight.Torch.Networks;
using GazeInsight.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OptimizerOptions = GazeInsight.Torch.Training.OptimizerOptions;

namespace GazeInsight.Torch.Methods;

/// <summary>
/// One SegmentationNet trained with BCE-with-logits on channel 1 against a binary target: the
/// true mask (fully supervised upper bound) or one gaze level, soft map >= threshold (lower
/// baseline).
/// </summary>
public sealed class SupervisedMethod : ISegmentationMethod, ILossTerms
{
    private static readonly string[] TermNames = ["foreground", "logit_mean"];
    private readonly TrainedNetwork<SegmentationNet> _network;
    private readonly SegmentationNet _model;   // the fp32 master
    private readonly OptimizerHelper _optimizer;
    private readonly double? _gazeThreshold;
    private readonly Tensor _termSums;   // [foreground, logit_mean] on the device, summed since the last TakeLossTerms
    private int _termSteps;

    /// <param name="gazeThreshold">null: train on true masks; else on gaze >= threshold.</param>
    /// <param name="compute">Number format and layout of the training steps (<see cref="TrainedNetwork{T}"/>).</param>
    public SupervisedMethod(NetworkShape shape, OptimizerOptions optimizer, ComputeOptions compute, Device device, double? gazeThreshold)
    {
        _network = new TrainedNetwork<SegmentationNet>(() => new SegmentationNet(shape.InChannels, shape.Features, shape.FeatureSize), device, compute);
        _model = _network.Master;
        _optimizer = OptimizerFactory.Create(_model.parameters(), optimizer);
        _gazeThreshold = gazeThreshold;
        _termSums = zeros(TermNames.Length, device: device).DetachFromDisposeScope();
    }

    /// <summary>foreground (fraction of the batch's pixels with z1 &gt; 0) and logit_mean (mean z1): a network
    /// that predicts nothing shows here before its validation Dice does.</summary>
    public IReadOnlyList<string> LossTermNames => TermNames;

    public IReadOnlyList<KeyValuePair<string, double>> TakeLossTerms()
    {
        if (_termSteps == 0) return [];
        var sums = _termSums.cpu().data<float>().ToArray();
        _termSums.zero_();
        var steps = _termSteps;
        _termSteps = 0;
        return TermNames.Select((name, i) => new KeyValuePair<string, double>(name, sums[i] / (double)steps)).ToArray();
    }

    /// <summary>The outputs of every single-network method.</summary>
    public static IReadOnlyList<MethodOutput> Produces { get; } = [MethodOutput.Model];

    public IReadOnlyList<MethodOutput> Outputs => Produces;

    public IReadOnlyDictionary<string, nn.Module> Networks => new Dictionary<string, nn.Module> { ["model"] = _model };

    public Tensor TrainStep(Batch batch, int iteration)
    {
        using var scope = NewDisposeScope();
        var target = Target(batch.Masks, batch.Gaze);
        _optimizer.zero_grad();
        _network.BeginStep();
        // the loss reads the logits in fp32 whatever the precision of the pass
        var logits = _network.Compute.forward(_network.Input(batch.Images)).to_type(ScalarType.Float32);
        var loss = nn.functional.binary_cross_entropy_with_logits(logits[.., 1..2], target);
        loss.backward();
        _network.EndStep();
        _optimizer.step();
        using (no_grad())
        {
            var lesion = logits[.., 1].detach();
            _termSums.add_(stack([lesion.gt(0).to_type(ScalarType.Float32).mean(), lesion.to_type(ScalarType.Float32).mean()]));
        }
        _termSteps++;
        return loss.detach().MoveToOuterDisposeScope();
    }

    public void InitialiseForegroundPrior(Tensor masks, Tensor? gaze)
    {
        using var scope = NewDisposeScope();
        _model.SetForegroundPrior(Target(masks, gaze).mean().item<float>());
    }

    public Tensor Predict(Batch batch, MethodOutput output)
    {
        if (output != MethodOutput.Model) throw new ArgumentException($"a single-network method has no output {output}");
        return _model.forward(batch.Images);
    }

    private Tensor Target(Tensor masks, Tensor? gaze) => _gazeThreshold is { } t
        ? (gaze ?? throw new InvalidOperationException("gaze supervision needs gaze maps")).ge(t).to_type(ScalarType.Float32)
        : masks;

    public void SetTraining(bool training) => _network.Train(training);

    public void SetLearningRate(double learningRate) => OptimizerFactory.SetLearningRate(_optimizer, learningRate);

    public void Save(string folder, bool withOptimizers) => NetworkFiles.Save(folder, "model", _model, _optimizer, withOptimizers);

    public void Load(string folder, bool withOptimizers) => NetworkFiles.Load(folder, "model", _model, _optimizer, withOptimizers);

    public void Dispose()
    {
        _termSums.Dispose();
        _optimizer.Dispose();
        _network.Dispose();
    }
}
