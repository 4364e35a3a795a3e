using GazeInsight.Torch.Augmentation;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Augmentation;

public class DarmTests
{
    private static Tensor Centre(int size, int y, int x)
    {
        var map = zeros(new long[] { 1, 1, size, size }, dtype: ScalarType.Bool);
        map[0, 0, y, x] = tensor(true);
        return map;
    }

    private static HashSet<(int, int)> Pixels(Tensor mask)
    {
        var values = mask[0, 0].to_type(ScalarType.Byte).data<byte>().ToArray();
        var width = (int)mask.shape[3];
        return values.Select((v, i) => (v, i)).Where(p => p.v != 0).Select(p => (p.i / width, p.i % width)).ToHashSet();
    }

    private static HashSet<(int, int)> Square(int top, int left, int side, int size) =>
        (from y in Enumerable.Range(top, side) from x in Enumerable.Range(left, side)
         where y >= 0 && x >= 0 && y < size && x < size select (y, x)).ToHashSet();

    [Theory]
    [InlineData(3, 4)]   // odd side: rows 5-1 .. 5+1
    [InlineData(4, 3)]   // even side: rows 5-2 .. 5+1
    [InlineData(10, 0)]  // largest: 5-5 .. 5+4
    [InlineData(7, 2)]
    public void StampCoversTheSquareCentredOnThePixel(int side, int top)
    {
        using var scope = NewDisposeScope();
        var mask = Darm.Stamp(Centre(12, 5, 5), full(new long[] { 1, 1, 12, 12 }, side, dtype: ScalarType.Int64), 3, 10);
        Assert.Equal(Square(top, top, side, 12), Pixels(mask));
    }

    [Fact]
    public void StampIsClippedAtTheBorder()
    {
        using var scope = NewDisposeScope();
        var mask = Darm.Stamp(Centre(8, 0, 7), full(new long[] { 1, 1, 8, 8 }, 5, dtype: ScalarType.Int64), 3, 10);
        Assert.Equal(Square(-2, 5, 5, 8), Pixels(mask));   // rows 0..2, cols 5..7
    }

    [Fact]
    public void SingletonPatchesTakeExactlyTheRatioOfTheRegion()
    {
        // side 1 squares have area 1: squares are taken while the areas before them stay under
        // 0.25 * 40 = 10, so exactly 10 distinct region pixels are masked
        using var scope = NewDisposeScope();
        var region = zeros(new long[] { 2, 1, 8, 8 }, dtype: ScalarType.Bool);
        region[0, 0, 1..5, 1..6] = tensor(true);   // 20 pixels
        region[1, 0, 2..6, 0..5] = tensor(true);   // 20 pixels
        using var generator = new Generator(11, CPU);
        var mask = Darm.SampleMask(region, 0.25, 1, 1, generator);
        Assert.Equal(10, mask.sum().item<long>());
        Assert.True(mask.logical_and(region.logical_not()).any().item<bool>() == false, "masked pixels must lie in the region");
    }

    [Fact]
    public void SquaresStopOnceTheirAreasReachTheTarget()
    {
        // sides 3..3: each square has area 9; target 0.3 * 64 = 19.2, so squares 1, 2, 3 are taken
        // (0 and 9 and 18 are under 19.2 before them) and their union covers at most 27 pixels
        using var scope = NewDisposeScope();
        var region = ones(new long[] { 1, 1, 8, 8 }, dtype: ScalarType.Bool);
        using var generator = new Generator(3, CPU);
        var covered = Darm.SampleMask(region, 0.3, 3, 3, generator).sum().item<long>();
        Assert.InRange(covered, 9, 27);
    }

    [Fact]
    public void NoDisagreementOrZeroRatioMasksNothing()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1, CPU);
        Assert.Equal(0, Darm.SampleMask(zeros(new long[] { 2, 1, 6, 6 }, dtype: ScalarType.Bool), 0.3, 3, 10, generator).sum().item<long>());
        Assert.Equal(0, Darm.SampleMask(ones(new long[] { 2, 1, 6, 6 }, dtype: ScalarType.Bool), 0.0, 3, 10, generator).sum().item<long>());
    }

    [Fact]
    public void TheGeneratorAloneDecidesTheMask()
    {
        using var scope = NewDisposeScope();
        var region = rand(2, 1, 16, 16).gt(0.6);
        Tensor Draw(ulong seed) { using var g = new Generator(seed, CPU); return Darm.SampleMask(region, 0.3, 3, 10, g); }
        Assert.True(Draw(5).Equals(Draw(5)));
        Assert.False(Draw(5).Equals(Draw(6)));
    }

    [Fact]
    public void GazeDisagreementIsTheBandBetweenTheMasks()
    {
        using var scope = NewDisposeScope();
        var gaze = tensor(new float[] { 0.1f, 0.35f, 0.6f }, [1, 1, 1, 3]);
        var region = Darm.GazeDisagreement(gaze.ge(0.5).to_type(ScalarType.Float32), gaze.ge(0.3).to_type(ScalarType.Float32));
        Assert.Equal(new[] { false, true, false }, region.data<bool>().ToArray());
    }

    [Fact]
    public void PredictionDisagreementComparesTheArgmaxes()
    {
        using var scope = NewDisposeScope();
        var teacher = tensor(new float[] { 0, 0, 1, 1, /**/ 1, 1, 0, 0 }, [1, 2, 1, 4]);   // classes 1 1 0 0
        var student = tensor(new float[] { 0, 1, 0, 1, /**/ 1, 0, 1, 0 }, [1, 2, 1, 4]);   // classes 1 0 1 0
        Assert.Equal(new[] { false, true, true, false }, Darm.PredictionDisagreement(teacher, student).data<bool>().ToArray());
    }

    [Fact]
    public void ApplyFillsTheImageAndClearsTheLabel()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new[] { true, false }, [1, 1, 1, 2]);
        var (image, label) = Darm.Apply(full(new long[] { 1, 3, 1, 2 }, 5f), ones(1, 1, 1, 2), mask, fill: -1);
        Assert.Equal(new float[] { -1, 5, -1, 5, -1, 5 }, image.data<float>().ToArray());
        Assert.Equal(new float[] { 0, 1 }, label.data<float>().ToArray());
    }
}
