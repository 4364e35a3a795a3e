using GazeInsight.Torch.Networks.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks;

/// <summary>
/// The FGI student (method.md §4): a plain BasicUNet "encoder" (no text; the decoder sees the
/// encoder outputs unchanged) whose final 1x1 conv gives the shared feature size, then head and a
/// 2-channel classifier. For alignment only, each scale x_s passes distill_proj_x{s} (at the
/// student's width) and student_adapter_x{s} (1x1 conv to the teacher's width, BN, ReLU; keys
/// .0, .1). Paper widths: (32, 64, 128, 256, 512, 32), feature size 128.
/// </summary>
public sealed class StudentNet : nn.Module<Tensor, Tensor>
{
    private readonly BasicUNet _encoder;
    private readonly ProjectionBlock[] _projections;
    private readonly Sequential[] _adapters;
    private readonly Sequential _head;
    private readonly Conv2d _classifier;

    /// <param name="features">The student's BasicUNet features.</param>
    /// <param name="teacherFeatures">The teacher's features: the adapters map to widths teacherFeatures[1..4].</param>
    public StudentNet(int inChannels, IReadOnlyList<int> features, IReadOnlyList<int> teacherFeatures, int featureSize = 128, int classes = 2)
        : base(nameof(StudentNet))
    {
        if (teacherFeatures.Count != 6)
            throw new ArgumentException($"teacher features need six numbers, got {teacherFeatures.Count}");
        _encoder = new BasicUNet(inChannels, featureSize, features);
        register_module("encoder", _encoder);
        _projections = Enumerable.Range(1, 4).Select(s => new ProjectionBlock(features[s])).ToArray();
        _adapters = Enumerable.Range(1, 4).Select(s => nn.Sequential(
            ("0", nn.Conv2d(features[s], teacherFeatures[s], kernel_size: 1)),
            ("1", nn.BatchNorm2d(teacherFeatures[s])),
            ("2", nn.ReLU()))).ToArray();
        for (var s = 0; s < 4; s++)
        {
            register_module($"distill_proj_x{s + 1}", _projections[s]);
            register_module($"student_adapter_x{s + 1}", _adapters[s]);
        }
        _head = OutputHead.Head(featureSize);
        register_module("head", _head);
        _classifier = OutputHead.Classifier(featureSize, classes);
        register_module("classifier", _classifier);
    }

    /// <summary>Logits [B, classes, H, W] from image [B, C, H, W].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var logits = _classifier.forward(_head.forward(_encoder.forward(input)));
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Logits plus the four adapted features (teacher widths); <paramref name="withFeatures"/>
    /// false skips the alignment branch (when AFC is off).
    /// </summary>
    public NetworkOutput Run(Tensor input, bool withFeatures = true)
    {
        using var scope = NewDisposeScope();
        using var encoded = _encoder.Encode(input);
        var logits = _classifier.forward(_head.forward(_encoder.Decode(encoded)));
        Tensor[] levels = [encoded.X1, encoded.X2, encoded.X3, encoded.X4];
        var adapted = withFeatures
            ? levels.Select((x, s) => _adapters[s].forward(_projections[s].forward(x)).MoveToOuterDisposeScope()).ToArray()
            : [];
        return new NetworkOutput(logits.MoveToOuterDisposeScope(), adapted, []);
    }

    /// <summary>Starts the lesion logit at the log-odds of <paramref name="foregroundFraction"/> (<see cref="Blocks.OutputHead.SetLesionPrior"/>).</summary>
    public void SetForegroundPrior(double foregroundFraction) => Blocks.OutputHead.SetLesionPrior(_classifier, foregroundFraction);
}
