using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Training;

namespace GazeInsight.Torch.Tests.Training;

/// <summary>
/// Complete requests and options for tests. The C# records have no defaults (the TOML layer
/// owns them), so the values the tests rely on are spelt out here: the released recipe's.
/// </summary>
internal static class TestRequests
{
    public static OptimizerOptions Sgd() => new()
    {
        Kind = OptimizerKind.Sgd,
        LearningRate = 1e-2,
        MinLearningRate = 1e-4,
        Momentum = 0.9,
        Nesterov = true,
        WeightDecay = 4e-4,
    };

    /// <summary>fp32, default layout: what every cell trains with unless train.precision / train.channels_last say otherwise.</summary>
    public static ComputeOptions Fp32() => new() { Precision = Precision.Float32, ChannelsLast = false };

    public static DarmMasking Darm(DarmRegion region = DarmRegion.GazeDisagreement) => new(region, 0.3, 3, 10, 0.0);

    public static GazeMedSeg GazeMedSeg(double[] thresholds, int rampUp = 4000) =>
        new() { Thresholds = thresholds, ConsistencyWeight = 3.0, RampUp = rampUp };

    /// <summary>
    /// A tiny CPU request on a 32 px data set; training length and validation as given; the best
    /// checkpoint by Dice of <paramref name="selectOutput"/> (default the method's first output).
    /// </summary>
    public static ExperimentRequest Tiny(string dataRoot, string outputDir, MethodOptions method, int[] features,
        int iterations, int evalEvery, int seed, int featureSize = 8, MethodOutput? selectOutput = null) => new()
    {
        DataRoot = dataRoot,
        Layout = "generic",
        ImageSize = 32,
        ValidationFraction = 0.25,
        GazeMap = "heatmap",
        Method = method,
        Features = features,
        FeatureSize = featureSize,
        Optimizer = Sgd(),
        Iterations = iterations,
        BatchSize = 4,
        EvalEvery = evalEvery,
        RandomFlips = true,
        Compute = Fp32(),
        SelectBy = SelectionMetric.Dice,
        SelectOutput = selectOutput ?? MethodFactory.Outputs(method)[0],
        Seed = seed,
        Device = "cpu",
        OutputDir = outputDir,
    };
}
