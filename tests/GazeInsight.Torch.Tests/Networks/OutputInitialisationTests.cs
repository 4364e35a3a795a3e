using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Networks;
using GazeInsight.Torch.Tests.Methods;
using GazeInsight.Torch.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Networks;

/// <summary>
/// How a freshly built network starts (issue 10, "seeds that never start"): its lesion logits must
/// vary over the image (the un-normalised output tail keeps the feature scale), and a method
/// started on its training targets predicts about their foreground fraction, not 0.5.
/// </summary>
public class OutputInitialisationTests
{
    private static readonly int[] Features = [16, 16, 32, 64, 128, 16];

    [Fact]
    public void FreshLogitsVaryOverTheImage()
    {
        // with PyTorch's default init the four 1x1 layers of the tail shrink the variance ~3x each:
        // the lesion logit's spread over the pixels of one image was ~0.05, too flat to learn from
        manual_seed(3);
        using var net = new SegmentationNet(3, Features, featureSize: 32);
        using var noGrad = no_grad();
        using var images = randn(2, 3, 32, 32);
        using var logits = net.forward(images);
        var spread = logits[.., 1].flatten(1).std(1).mean().item<float>();
        Assert.True(spread > 0.3, $"the lesion logit's spread over the image at init is {spread:F3}; it must be > 0.3");
    }

    [Fact]
    public void SupervisedMethodStartsAtItsTargetsForegroundFraction()
    {
        manual_seed(5);
        using var method = new SupervisedMethod(new NetworkShape(3, 32, Features, 32, null), TestRequests.Sgd(), TestRequests.Fp32(), CPU, gazeThreshold: null);
        using var masks = zeros(4, 1, 32, 32);
        masks[.., .., 8..18, 8..18].fill_(1);   // 100 of 1024 pixels: ~9.8%, like the synthetic lesions
        method.InitialiseForegroundPrior(masks, gaze: null);
        var probability = MeanLesionProbability(method, MethodOutput.Model);
        Assert.InRange(probability, 0.03, 0.2);
    }

    [Fact]
    public void FgiTeacherAndStudentStartAtTheirOwnGazeLevelsFractions()
    {
        using var method = TinyFgi.Create(TinyFgi.Options(text: false), seed: 7);
        // gaze 0.6 on a small square (teacher's M_hc, >= 0.5), 0.4 on a larger one (student's M_bc, >= 0.3)
        using var gaze = zeros(4, 1, TinyFgi.Size, TinyFgi.Size);
        gaze[.., .., 4..28, 4..28].fill_(0.4);
        gaze[.., .., 12..18, 12..18].fill_(0.6);
        method.InitialiseForegroundPrior(zeros(4, 1, TinyFgi.Size, TinyFgi.Size), gaze);
        var teacher = MeanLesionProbability(method, MethodOutput.Teacher);
        var student = MeanLesionProbability(method, MethodOutput.Student);
        Assert.True(teacher < 0.15, $"teacher starts at mean probability {teacher:F3}; M_hc covers 3.5% of the pixels");
        Assert.InRange(student, 0.35, 0.75);   // M_bc covers 56%
    }

    [Fact]
    public void GazeMedSegLevelsStartAtTheirOwnThresholdsFractions()
    {
        manual_seed(9);
        using var method = new GazeMedSegMethod(new NetworkShape(3, 32, Features, 16, null),
            TestRequests.GazeMedSeg([0.5, 0.3]), TestRequests.Sgd(), TestRequests.Fp32(), CPU);
        using var gaze = zeros(2, 1, 32, 32);
        gaze[.., .., 4..28, 4..28].fill_(0.4);
        gaze[.., .., 12..18, 12..18].fill_(0.6);
        method.InitialiseForegroundPrior(zeros(2, 1, 32, 32), gaze);
        using var noGrad = no_grad();
        method.SetTraining(false);
        using var images = randn(2, 3, 32, 32);
        var high = method.Model.Level(0).forward(images).sigmoid().mean().item<float>();
        var low = method.Model.Level(1).forward(images).sigmoid().mean().item<float>();
        Assert.True(high < 0.15, $"level 0.5 starts at {high:F3}; its mask covers 3.5%");
        Assert.InRange(low, 0.35, 0.75);
    }

    private static double MeanLesionProbability(ISegmentationMethod method, MethodOutput output)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        method.SetTraining(false);
        var images = randn(4, 3, 32, 32);
        var batch = new GazeInsight.Torch.Training.Batch(images, zeros(4, 1, 32, 32), null, null);
        return method.Predict(batch, output)[.., 1].sigmoid().mean().item<float>();
    }
}
