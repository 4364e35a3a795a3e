using GazeInsight.Torch.Augmentation;
using GazeInsight.Torch.Losses;
using GazeInsight.Torch.Networks;
using GazeInsight.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OptimizerOptions = GazeInsight.Torch.Training.OptimizerOptions;

namespace GazeInsight.Torch.Methods;

/// <summary>
/// FGI (method.md §4–§6): a text-fused teacher on the high-confidence gaze mask and an image-only
/// student on the DARM-masked broad mask, trained jointly, each with its own optimiser, on
/// L_T + L_S + w(t) cwc (CWC_T&lt;-S + CWC_S&lt;-T) + w(t) afc AFC. Outputs "teacher", "student"
/// and "average" (mean of the two networks' logits); the student is the headline output (the
/// spec's default evaluation.select_output). The teacher reads text unless text fusion is ablated.
/// </summary>
public sealed class FgiMethod : ISegmentationMethod, ILossTerms
{
    private const ulong DarmSalt = 0xda53, CutMixSalt = 0xc07;

    private readonly Fgi _options;
    private readonly int? _textDim;
    private readonly TrainedNetwork<TeacherNet> _teacherNet;
    private readonly TrainedNetwork<StudentNet> _studentNet;
    private readonly TeacherNet _teacher;   // the fp32 masters
    private readonly StudentNet _student;
    private readonly OptimizerHelper _teacherOptimizer;
    private readonly OptimizerHelper _studentOptimizer;
    private readonly Generator _generator;
    private readonly long _seed;
    private readonly string[] _termNames;
    private readonly Tensor _termSums;   // [terms] on the device, summed over steps since the last TakeLossTerms
    private double _rampSum;
    private int _termSteps;

    /// <param name="shape">The student's widths (Features), both networks' FeatureSize, the input size (sizes the
    /// teacher's positional embeddings), channels and the text size D (required exactly when the teacher fuses text).</param>
    /// <param name="compute">Number format and layout of the training steps (<see cref="TrainedNetwork{T}"/>).</param>
    public FgiMethod(NetworkShape shape, Fgi options, OptimizerOptions optimizer, ComputeOptions compute, Device device, long seed)
    {
        Validate(options, shape);
        _options = options;
        _textDim = shape.TextDim;
        _seed = seed;
        _teacherNet = new TrainedNetwork<TeacherNet>(() => new TeacherNet(shape.InChannels, options.TeacherFeatures, shape.ImageSize, shape.TextDim,
            shape.FeatureSize, heads: options.AttentionHeads, learnableFusionWeight: options.FusionWeight == FusionWeight.Learnable), device, compute);
        _studentNet = new TrainedNetwork<StudentNet>(() => new StudentNet(shape.InChannels, shape.Features, options.TeacherFeatures, shape.FeatureSize),
            device, compute);
        _teacher = _teacherNet.Master;
        _student = _studentNet.Master;
        _teacherOptimizer = OptimizerFactory.Create(_teacher.parameters(), optimizer);
        _studentOptimizer = OptimizerFactory.Create(_student.parameters(), optimizer);
        _generator = new Generator((ulong)seed, device);
        _termNames = TermNames(options).ToArray();
        _termSums = zeros(_termNames.Length - 1, device: device).DetachFromDisposeScope();
    }

    /// <summary>
    /// loss_teacher (L_T), loss_student (L_S), afc (unweighted), cwc_student_from_teacher (CWC_S&lt;-T),
    /// cwc_teacher_from_student (CWC_T&lt;-S), foreground_teacher / foreground_student (fraction of the
    /// batch's pixels with z1 &gt; 0: the teacher on the clean images, the student on its DARM-masked
    /// input) and ramp (w(t)); the auxiliary terms only when they are on.
    /// </summary>
    private static IEnumerable<string> TermNames(Fgi o)
    {
        yield return "loss_teacher";
        yield return "loss_student";
        if (o.AfcWeight > 0) yield return "afc";
        if (o.Cwc != CwcVariant.Off) yield return "cwc_student_from_teacher";
        if (o.Cwc == CwcVariant.Bidirectional) yield return "cwc_teacher_from_student";
        yield return "foreground_teacher";
        yield return "foreground_student";
        yield return "ramp";
    }

    public IReadOnlyList<string> LossTermNames => _termNames;

    public IReadOnlyList<KeyValuePair<string, double>> TakeLossTerms()
    {
        if (_termSteps == 0) return [];
        var sums = _termSums.cpu().data<float>().ToArray();
        var terms = new List<KeyValuePair<string, double>>(_termNames.Length);
        for (var i = 0; i < sums.Length; i++) terms.Add(new(_termNames[i], sums[i] / (double)_termSteps));
        terms.Add(new("ramp", _rampSum / _termSteps));
        _termSums.zero_();
        _rampSum = 0;
        _termSteps = 0;
        return terms;
    }

    public static IReadOnlyList<MethodOutput> Produces { get; } = [MethodOutput.Teacher, MethodOutput.Student, MethodOutput.Average];

    public IReadOnlyList<MethodOutput> Outputs => Produces;

    public IReadOnlyDictionary<string, nn.Module> Networks =>
        new Dictionary<string, nn.Module> { ["teacher"] = _teacher, ["student"] = _student };

    public TeacherNet Teacher => _teacher;

    public StudentNet Student => _student;

    public Tensor TrainStep(Batch batch, int iteration)
    {
        using var scope = NewDisposeScope();
        var gaze = batch.Gaze ?? throw new InvalidOperationException("FGI trains on gaze maps: the batch has none");
        var text = TextFor(batch);
        var textValid = text is null ? null : batch.TextValid;
        // images, masks, DARM, CutMix and noise stay fp32 whatever the precision: only the networks'
        // passes run in the compute format, and every loss reads their outputs in fp32
        var images = batch.Images;
        var highConfidence = gaze.ge(_options.HighThreshold).to_type(images.dtype);
        var broad = gaze.ge(_options.LowThreshold).to_type(images.dtype);

        // the last step's gradients are dropped, not zero-filled (PyTorch's zero_grad(set_to_none=True)):
        // backward allocates each one as it reaches its parameter, while the saved activations are
        // being freed, instead of both networks' gradients being held through the whole forward pass
        _teacher.zero_grad();
        _student.zero_grad();
        _teacherNet.BeginStep();
        _studentNet.BeginStep();
        var ramp = RampUp.Weight(iteration, _options.RampUp);
        // The step's passes (teacher and student on the batch, both again on its CutMix) have
        // separate graphs: every term that couples two of them reads the other's output detached.
        // So each pass is differentiated as soon as its terms are known and its saved activations
        // are freed before the next pass runs, instead of all four graphs being held for one
        // backward of the summed loss. The gradients are the same: each term's backward starts
        // from the weight it has in the sum, and a parameter's contributions from its network's two
        // passes are added as that one backward adds them (x + y; the addition commutes).
        var teacherText = text is null ? null : _teacherNet.Input(text);
        var teacher = InFloat32(_teacherNet.Compute.Run(_teacherNet.Input(images), teacherText, needAttention: false, textValid));
        var teacherLoss = TeacherLoss(teacher.Logits, highConfidence, broad);
        teacherLoss.backward();

        _generator.manual_seed((long)StepSeed.For(_seed, iteration, DarmSalt));
        Tensor? darmMask = null;
        var studentImages = images;
        if (_options.Darm is DarmMasking darm)
        {
            var region = darm.Region == DarmRegion.GazeDisagreement
                ? Darm.GazeDisagreement(highConfidence, broad)
                : Darm.PredictionDisagreement(teacher.Logits.detach(), CleanStudentLogits(images));
            darmMask = Darm.SampleMask(region, darm.Ratio, darm.MinPatch, darm.MaxPatch, _generator);
            studentImages = images.masked_fill(darmMask, darm.Fill);
        }
        var student = InFloat32(_studentNet.Compute.Run(_studentNet.Input(studentImages), withFeatures: _options.AfcWeight > 0));
        var studentLoss = StudentLoss(student.Logits, highConfidence, broad, darmMask);
        var terms = new List<Tensor> { teacherLoss, studentLoss };
        Tensor? afc = null;
        if (_options.AfcWeight > 0)
        {
            afc = FeatureAlignment.Loss(student.Features, teacher.Features);
            terms.Add(afc);
            (studentLoss + ramp * _options.AfcWeight * afc).backward();
        }
        else
        {
            studentLoss.backward();
        }
        Tensor? studentFromTeacher = null, teacherFromStudent = null;
        if (_options.Cwc != CwcVariant.Off)
        {
            (studentFromTeacher, teacherFromStudent) = Consistency(images, teacherText, textValid, teacher.Logits, student.Logits, iteration, ramp * _options.CwcWeight);
            terms.Add(studentFromTeacher);
            if (teacherFromStudent is not null) terms.Add(teacherFromStudent);
        }

        _teacherNet.EndStep();
        _studentNet.EndStep();
        _teacherOptimizer.step();
        _studentOptimizer.step();
        Tensor loss;
        using (no_grad())
        {
            // L_T + L_S + w(t) afc AFC + w(t) cwc (CWC_S<-T + CWC_T<-S), summed in that order
            loss = teacherLoss + studentLoss;
            if (afc is not null) loss = loss + ramp * _options.AfcWeight * afc;
            if (studentFromTeacher is not null)
                loss = loss + ramp * _options.CwcWeight * (teacherFromStudent is null ? studentFromTeacher : studentFromTeacher + teacherFromStudent);
            terms.Add(ForegroundFraction(teacher.Logits));
            terms.Add(ForegroundFraction(student.Logits));
            _termSums.add_(stack(terms.Select(t => t.detach().to_type(ScalarType.Float32)).ToArray()));
        }
        _rampSum += ramp;
        _termSteps++;
        return loss.MoveToOuterDisposeScope();
    }

    // bf16 outputs are read in fp32 by the losses (sigmoid, softmax, logs, means), as autocast would
    private static NetworkOutput InFloat32(NetworkOutput output) => new(
        output.Logits.to_type(ScalarType.Float32),
        output.Features.Select(f => f.to_type(ScalarType.Float32)).ToArray(),
        output.Attention);

    private static Tensor ForegroundFraction(Tensor logits) => logits[.., 1].gt(0).to_type(ScalarType.Float32).mean();

    private Tensor TeacherLoss(Tensor logits, Tensor highConfidence, Tensor broad) =>
        _options.SupervisedLoss == SupervisedLoss.Bce
            ? SegmentationLoss.Bce(logits, highConfidence)
            : SegmentationLoss.PartialCrossEntropy(logits, highConfidence, 1 - broad);

    // DARM hides the masked squares from the student and labels them background
    private Tensor StudentLoss(Tensor logits, Tensor highConfidence, Tensor broad, Tensor? darmMask)
    {
        if (_options.SupervisedLoss == SupervisedLoss.Bce)
            return SegmentationLoss.Bce(logits, darmMask is null ? broad : broad.masked_fill(darmMask, 0));
        var background = 1 - broad;
        var foreground = darmMask is null ? highConfidence : highConfidence.masked_fill(darmMask, 0);
        return SegmentationLoss.PartialCrossEntropy(logits, foreground, darmMask is null ? background : background.masked_fill(darmMask, 1));
    }

    // Both networks see one CutMix of the clean batch plus uniform noise and learn from the other
    // network's detached logits mixed with the same boxes (the teacher keeps each base image's text).
    // text is already in the teacher's compute format; images and logits are fp32. Each direction is
    // differentiated at its weight in the step's loss (w(t) cwc) before the next pass runs.
    private (Tensor StudentFromTeacher, Tensor? TeacherFromStudent) Consistency(Tensor images, Tensor? text, Tensor? textValid,
        Tensor teacherLogits, Tensor studentLogits, int iteration, double weight)
    {
        _generator.manual_seed((long)StepSeed.For(_seed, iteration, CutMixSalt));
        using var cut = CutMix.Sample(images.shape[0], images.shape[2], images.shape[3], _generator);
        var noise = (rand(images.shape, generator: _generator, dtype: images.dtype, device: images.device) * 2 - 1) * _options.CutMixNoise;
        var mixed = CutMix.Apply(images, cut) + noise;
        var studentMixed = _studentNet.Compute.forward(_studentNet.Input(mixed)).to_type(ScalarType.Float32);
        var studentFromTeacher = ConfidenceWeightedConsistency.Loss(studentMixed, CutMix.Apply(teacherLogits.detach(), cut), _options.TauPositive, _options.TauNegative, _options.CwcProbability);
        (weight * studentFromTeacher).backward();
        if (_options.Cwc != CwcVariant.Bidirectional) return (studentFromTeacher, null);
        var teacherMixed = _teacherNet.Compute.Forward(_teacherNet.Input(mixed), text, textValid).to_type(ScalarType.Float32);
        var teacherFromStudent = ConfidenceWeightedConsistency.Loss(teacherMixed, CutMix.Apply(studentLogits.detach(), cut), _options.TauPositive, _options.TauNegative, _options.CwcProbability);
        (weight * teacherFromStudent).backward();
        return (studentFromTeacher, teacherFromStudent);
    }

    // The paper's DARM compares predictions on the unmasked image: an extra student pass in eval
    // mode (no batch-norm statistics update) without gradients.
    private Tensor CleanStudentLogits(Tensor images)
    {
        using var noGrad = no_grad();
        var student = _studentNet.Compute;
        student.train(false);
        try
        {
            return student.forward(_studentNet.Input(images)).to_type(ScalarType.Float32);
        }
        finally
        {
            student.train(true);
        }
    }

    private Tensor? TextFor(Batch batch)
    {
        if (!_options.TextFusion) return null;
        var text = batch.Text ?? throw new InvalidOperationException(
            "the FGI teacher fuses text: the batch has no text embeddings (set method.text = false for the no-text ablation)");
        if (text.dim() != 3 || text.shape[2] != _textDim)
            throw new InvalidOperationException($"text embeddings must be [B, L, {_textDim}], got [{string.Join(", ", text.shape)}]");
        return text;
    }

    /// <summary>The teacher starts at M_hc's foreground fraction, the student at M_bc's (its DARM squares
    /// are a small share of the band and are ignored here).</summary>
    public void InitialiseForegroundPrior(Tensor masks, Tensor? gaze)
    {
        using var scope = NewDisposeScope();
        var g = gaze ?? throw new InvalidOperationException("FGI trains on gaze maps: none given");
        _teacher.SetForegroundPrior(g.ge(_options.HighThreshold).to_type(ScalarType.Float32).mean().item<float>());
        _student.SetForegroundPrior(g.ge(_options.LowThreshold).to_type(ScalarType.Float32).mean().item<float>());
    }

    public Tensor Predict(Batch batch, MethodOutput output)
    {
        using var scope = NewDisposeScope();
        var result = output switch
        {
            MethodOutput.Teacher => _teacher.Forward(batch.Images, TextFor(batch), batch.TextValid),
            MethodOutput.Student => _student.forward(batch.Images),
            MethodOutput.Average => (_teacher.Forward(batch.Images, TextFor(batch), batch.TextValid) + _student.forward(batch.Images)) / 2,
            _ => throw new ArgumentException($"FGI has no output {output}: it predicts with Teacher, Student or Average"),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The teacher's logits and cross-attention maps [B, h_s*w_s, L] at the four scales, for
    /// interpretability (empty without text fusion).
    /// </summary>
    public NetworkOutput Explain(Batch batch) => _teacher.Run(batch.Images, TextFor(batch), needAttention: true, batch.TextValid);

    public void SetTraining(bool training)
    {
        _teacherNet.Train(training);
        _studentNet.Train(training);
    }

    public void SetLearningRate(double learningRate)
    {
        OptimizerFactory.SetLearningRate(_teacherOptimizer, learningRate);
        OptimizerFactory.SetLearningRate(_studentOptimizer, learningRate);
    }

    public void Save(string folder, bool withOptimizers)
    {
        NetworkFiles.Save(folder, "teacher", _teacher, _teacherOptimizer, withOptimizers);
        NetworkFiles.Save(folder, "student", _student, _studentOptimizer, withOptimizers);
    }

    public void Load(string folder, bool withOptimizers)
    {
        NetworkFiles.Load(folder, "teacher", _teacher, _teacherOptimizer, withOptimizers);
        NetworkFiles.Load(folder, "student", _student, _studentOptimizer, withOptimizers);
    }

    private static void Validate(Fgi o, NetworkShape shape)
    {
        if (o.TextFusion != shape.TextDim.HasValue)
            throw new ArgumentException(o.TextFusion
                ? "the FGI teacher fuses text: the network shape needs the text size D"
                : $"text fusion is off, yet the network shape has a text size ({shape.TextDim})");
        if (!(o.LowThreshold > 0 && o.LowThreshold <= o.HighThreshold && o.HighThreshold <= 1))
            throw new ArgumentException($"FGI needs 0 < low threshold <= high threshold <= 1, got {o.LowThreshold} and {o.HighThreshold}");
        if (o.AfcWeight < 0 || o.CwcWeight < 0) throw new ArgumentException($"loss weights must be >= 0, got afc {o.AfcWeight}, cwc {o.CwcWeight}");
        if (o.RampUp < 0) throw new ArgumentException($"ramp-up must be >= 0 iterations, got {o.RampUp}");
        if (o.CutMixNoise < 0) throw new ArgumentException($"CutMix noise must be >= 0, got {o.CutMixNoise}");
        if (o.TauNegative < 0 || o.TauPositive > 1 || o.TauNegative > o.TauPositive)
            throw new ArgumentException($"CWC needs 0 <= tau_neg <= tau_pos <= 1, got {o.TauNegative} and {o.TauPositive}");
        if (o.Darm is DarmMasking d && (d.Ratio < 0 || d.MinPatch < 1 || d.MaxPatch < d.MinPatch))
            throw new ArgumentException($"DARM needs ratio >= 0 and 1 <= min patch <= max patch, got {d.Ratio}, {d.MinPatch}, {d.MaxPatch}");
    }

    public void Dispose()
    {
        _termSums.Dispose();
        _teacherOptimizer.Dispose();
        _studentOptimizer.Dispose();
        _teacherNet.Dispose();
        _studentNet.Dispose();
        _generator.Dispose();
    }
}
