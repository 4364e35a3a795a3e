using GazeInsight.Torch.Networks;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Networks;

public class TeacherStudentTests
{
    private static readonly int[] TeacherTiny = [8, 16, 16, 32, 64, 8];
    private static readonly int[] StudentTiny = [8, 8, 8, 16, 32, 8];

    [Fact]
    public void TeacherUsesTheReleasedCheckpointNames()
    {
        using var teacher = new TeacherNet(3, TeacherTiny, inputSize: 32, textDim: 6, featureSize: 16, heads: 4);
        var shapes = teacher.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal(new long[] { 16 * 16, 16 }, shapes["fusion_x1.pos_embedding"]);
        Assert.Equal(new long[] { 2 * 2, 64 }, shapes["fusion_x4.pos_embedding"]);
        Assert.Equal(new long[] { 96, 32 }, shapes["fusion_x3.attn.in_proj_weight"]);
        Assert.Equal(new long[] { 64, 6 }, shapes["fusion_x4.text_proj.weight"]);
        foreach (var key in new[]
                 {
                     "fusion_x2.attn.in_proj_bias", "fusion_x2.attn.out_proj.weight", "fusion_x2.norm.bias",
                     "distill_proj_x1.proj.0.weight", "distill_proj_x1.proj.1.running_mean", "distill_proj_x4.proj.3.weight",
                     "distill_proj_x4.proj.4.bias", "encoder.conv_0.conv_0.conv.weight", "encoder.upcat_4.upsample.deconv.weight",
                     "encoder.final_conv.weight", "head.0.weight", "head.2.bias", "classifier.weight",
                 })
            Assert.Contains(key, shapes.Keys);
        Assert.Equal(new long[] { 16, 8, 1, 1 }, shapes["encoder.final_conv.weight"]);
        Assert.Equal(new long[] { 2, 16, 1, 1 }, shapes["classifier.weight"]);
    }

    [Fact]
    public void TeacherWithoutTextHasNoFusionAndNeedsNoText()
    {
        using var scope = NewDisposeScope();
        using var teacher = new TeacherNet(3, TeacherTiny, inputSize: 32, textDim: null, featureSize: 16);
        Assert.DoesNotContain(teacher.state_dict().Keys, k => k.StartsWith("fusion_"));
        Assert.Equal(new long[] { 2, 2, 32, 32 }, teacher.forward(randn(2, 3, 32, 32), null).shape);
    }

    [Fact]
    public void TeacherReturnsLogitsAlignmentFeaturesAndAttention()
    {
        using var scope = NewDisposeScope();
        using var teacher = new TeacherNet(3, TeacherTiny, inputSize: 32, textDim: 6, featureSize: 16, heads: 4);
        using var output = teacher.Run(randn(2, 3, 32, 32), randn(2, 5, 6), needAttention: true);
        Assert.Equal(new long[] { 2, 2, 32, 32 }, output.Logits.shape);
        Assert.Equal([16L, 16, 32, 64], output.Features.Select(f => f.shape[1]));
        Assert.Equal([16L, 8, 4, 2], output.Features.Select(f => f.shape[2]));
        Assert.Equal([256L, 64, 16, 4], output.Attention.Select(a => a.shape[1]));
        Assert.All(output.Attention, a => Assert.Equal(5, a.shape[2]));
        Assert.Throws<ArgumentException>(() => teacher.forward(randn(2, 3, 32, 32), null));
    }

    // Two samples of different text lengths padded with zero rows to a common L: each sample's
    // logits equal its unpadded pass (eval mode, so batch norm does not couple the samples).
    [Fact]
    public void TeacherIgnoresPaddedTextTokens()
    {
        using var scope = NewDisposeScope();
        using var teacher = new TeacherNet(3, TeacherTiny, inputSize: 32, textDim: 6, featureSize: 16, heads: 4);
        teacher.train(false);
        using var noGrad = no_grad();
        var images = randn(2, 3, 32, 32);
        var first = randn(1, 3, 6);
        var second = randn(1, 5, 6);
        var padded = cat([cat([first, zeros(1, 4, 6)], 1), cat([second, zeros(1, 2, 6)], 1)], 0);   // [2, 7, 6]
        var valid = arange(7).unsqueeze(0).lt(tensor(new long[] { 3, 5 }).unsqueeze(1));
        var masked = teacher.Forward(images, padded, valid);
        Assert.True(masked[0..1].allclose(teacher.forward(images[0..1], first), rtol: 0, atol: 1e-5));
        Assert.True(masked[1..2].allclose(teacher.forward(images[1..2], second), rtol: 0, atol: 1e-5));
        Assert.False(teacher.forward(images, padded)[0..1].allclose(teacher.forward(images[0..1], first), rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void StudentAdaptsToTheTeachersWidths()
    {
        using var scope = NewDisposeScope();
        using var student = new StudentNet(3, StudentTiny, TeacherTiny, featureSize: 16);
        var shapes = student.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal(new long[] { 16, 8, 1, 1 }, shapes["student_adapter_x1.0.weight"]);
        Assert.Equal(new long[] { 64, 32, 1, 1 }, shapes["student_adapter_x4.0.weight"]);
        Assert.Contains("student_adapter_x4.1.running_var", shapes.Keys);
        Assert.Equal(new long[] { 32, 32, 1, 1 }, shapes["distill_proj_x4.proj.3.weight"]);
        Assert.Equal(new long[] { 16, 8, 1, 1 }, shapes["encoder.final_conv.weight"]);
        using var output = student.Run(randn(2, 3, 32, 32));
        Assert.Equal(new long[] { 2, 2, 32, 32 }, output.Logits.shape);
        Assert.Equal([16L, 16, 32, 64], output.Features.Select(f => f.shape[1]));
        // the alignment branch does not change the prediction
        student.eval();
        var x = randn(1, 3, 32, 32);
        using var again = student.Run(x, withFeatures: false);
        Assert.True(again.Logits.allclose(student.forward(x)));
        Assert.Empty(again.Features);
    }

    [Fact]
    public void PaperSizedNetworksHaveAboutThePublishedParameterCounts()
    {
        // method.md: teacher about 44 M parameters with fusion (224 input, RoBERTa 768), student about 9 M
        using var teacher = new TeacherNet(3, [64, 128, 256, 512, 1024, 128], inputSize: 224, textDim: 768);
        using var student = new StudentNet(3, [32, 64, 128, 256, 512, 32], [64, 128, 256, 512, 1024, 128]);
        var teacherCount = teacher.parameters().Sum(p => p.numel()) / 1e6;
        var studentCount = student.parameters().Sum(p => p.numel()) / 1e6;
        Assert.InRange(teacherCount, 40, 48);
        Assert.InRange(studentCount, 7, 11);
    }
}
