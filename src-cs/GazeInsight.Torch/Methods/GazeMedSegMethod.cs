using GazeInsight.Torch.Losses;
using GazeInsight.Torch.Networks;
using GazeInsight.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OptimizerOptions = GazeInsight.Torch.Training.OptimizerOptions;

namespace GazeInsight.Torch.Methods;

/// <summary>
/// GazeMedSeg (method.md §4–§5): one network per gaze level, each with BCE on its level's mask
/// (gaze >= threshold) plus w(t) * weight * cross-level consistency of its propagated logits with
/// the other levels' detached predictions. One optimiser over all levels. Output "model": the
/// mean level logit z as two channels [0, z], so that softmax channel 1 = sigmoid(z).
/// </summary>
public sealed class GazeMedSegMethod : ISegmentationMethod, ILossTerms
{
    private readonly GazeMedSeg _options;
    private readonly TrainedNetwork<MultiLevelNet> _network;
    private readonly MultiLevelNet _model;   // the fp32 master
    private readonly OptimizerHelper _optimizer;
    private readonly string[] _termNames;
    private readonly Tensor _termSums;   // the device-side terms (all but ramp), summed since the last TakeLossTerms
    private double _rampSum;
    private int _termSteps;

    /// <param name="compute">Number format and layout of the training steps (<see cref="TrainedNetwork{T}"/>).</param>
    public GazeMedSegMethod(NetworkShape shape, GazeMedSeg options, OptimizerOptions optimizer, ComputeOptions compute, Device device)
    {
        if (options.Thresholds.Length == 0) throw new ArgumentException("GazeMedSeg needs at least one gaze threshold");
        foreach (var t in options.Thresholds)
            if (!(t > 0 && t <= 1)) throw new ArgumentException($"gaze thresholds must be in (0, 1], got {t}");
        if (options.ConsistencyWeight < 0) throw new ArgumentException($"consistency weight must be >= 0, got {options.ConsistencyWeight}");
        if (options.RampUp < 0) throw new ArgumentException($"ramp-up must be >= 0 iterations, got {options.RampUp}");
        _options = options;
        if (options.Thresholds.Distinct().Count() != options.Thresholds.Length)
            throw new ArgumentException($"gaze thresholds must be distinct, got {string.Join(", ", options.Thresholds)}");
        _network = new TrainedNetwork<MultiLevelNet>(
            () => new MultiLevelNet(shape.InChannels, shape.Features, options.Thresholds.Length, shape.FeatureSize), device, compute);
        _model = _network.Master;
        _optimizer = OptimizerFactory.Create(_model.parameters(), optimizer);
        _termNames = TermNames(options.Thresholds.Length, HasConsistency).ToArray();
        _termSums = zeros(_termNames.Length - 1, device: device).DetachFromDisposeScope();
    }

    private bool HasConsistency => _options.Thresholds.Length > 1 && _options.ConsistencyWeight > 0;

    /// <summary>
    /// bce_level{i} (level i's BCE on gaze &gt;= its threshold, levels in the order of the thresholds,
    /// from 1), consistency (the cross-level term, unweighted, when on), foreground_level{i} (the
    /// fraction of the batch's pixels with z_i &gt; 0: a level that stops predicting lesions shows here
    /// before its validation Dice does) and ramp (w(t)).
    /// </summary>
    private static IEnumerable<string> TermNames(int levels, bool consistency)
    {
        for (var i = 1; i <= levels; i++) yield return $"bce_level{i}";
        if (consistency) yield return "consistency";
        for (var i = 1; i <= levels; i++) yield return $"foreground_level{i}";
        yield return "ramp";
    }

    public IReadOnlyList<string> LossTermNames => _termNames;

    public IReadOnlyList<KeyValuePair<string, double>> TakeLossTerms()
    {
        if (_termSteps == 0) return [];
        var sums = _termSums.cpu().data<float>().ToArray();
        var terms = sums.Select((sum, i) => new KeyValuePair<string, double>(_termNames[i], sum / (double)_termSteps)).ToList();
        terms.Add(new("ramp", _rampSum / _termSteps));
        _termSums.zero_();
        _rampSum = 0;
        _termSteps = 0;
        return terms;
    }

    public static IReadOnlyList<MethodOutput> Produces { get; } = [MethodOutput.Model];

    public IReadOnlyList<MethodOutput> Outputs => Produces;

    public IReadOnlyDictionary<string, nn.Module> Networks => new Dictionary<string, nn.Module> { ["model"] = _model };

    public MultiLevelNet Model => _model;

    public Tensor TrainStep(Batch batch, int iteration)
    {
        using var scope = NewDisposeScope();
        var gaze = batch.Gaze ?? throw new InvalidOperationException("GazeMedSeg trains on gaze maps: the batch has none");
        _optimizer.zero_grad();
        _network.BeginStep();
        var images = _network.Input(batch.Images);
        var logits = new Tensor[_model.Levels];
        var propagated = new Tensor[_model.Levels];
        var terms = new List<Tensor>();
        Tensor? loss = null;
        for (var i = 0; i < _model.Levels; i++)
        {
            // BCE and the consistency's sigmoids read both logit maps in fp32 whatever the precision of the pass
            var (z, zPropagated) = _network.Compute.Level(i).Run(images);
            (logits[i], propagated[i]) = (z.to_type(ScalarType.Float32), zPropagated.to_type(ScalarType.Float32));
            var target = gaze.ge(_options.Thresholds[i]).to_type(logits[i].dtype);
            var term = nn.functional.binary_cross_entropy_with_logits(logits[i], target);
            terms.Add(term);
            loss = loss is null ? term : loss + term;
        }
        var ramp = RampUp.Weight(iteration, _options.RampUp);
        if (HasConsistency)
        {
            var consistency = CrossLevelConsistency.Loss(propagated, logits);
            terms.Add(consistency);
            loss = loss! + ramp * _options.ConsistencyWeight * consistency;
        }
        loss!.backward();
        _network.EndStep();
        _optimizer.step();
        using (no_grad())
        {
            terms.AddRange(logits.Select(z => z.gt(0).to_type(ScalarType.Float32).mean()));
            _termSums.add_(stack(terms.Select(t => t.detach()).ToArray()));
        }
        _rampSum += ramp;
        _termSteps++;
        return loss.detach().MoveToOuterDisposeScope();
    }

    public void InitialiseForegroundPrior(Tensor masks, Tensor? gaze)
    {
        using var scope = NewDisposeScope();
        var g = gaze ?? throw new InvalidOperationException("GazeMedSeg trains on gaze maps: none given");
        _model.SetForegroundPriors(_options.Thresholds.Select(t => (double)g.ge(t).to_type(ScalarType.Float32).mean().item<float>()).ToArray());
    }

    public Tensor Predict(Batch batch, MethodOutput output)
    {
        if (output != MethodOutput.Model) throw new ArgumentException($"GazeMedSeg has no output {output}: it predicts with Model");
        using var scope = NewDisposeScope();
        var z = _model.forward(batch.Images);
        return cat([zeros_like(z), z], 1).MoveToOuterDisposeScope();
    }

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
