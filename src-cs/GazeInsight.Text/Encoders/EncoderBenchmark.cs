using System.Diagnostics;
using GazeInsight.Imaging.Data;
using GazeInsight.Text.Descriptions;

namespace GazeInsight.Text.Encoders;

/// <summary>
/// Measures sentences per second of an encoder on rendered lesion descriptions (the texts
/// <c>runner text embed</c> encodes), for several batch sizes. Printed by <c>runner text bench</c>.
/// </summary>
public static class EncoderBenchmark
{
    /// <summary>
    /// Encodes <paramref name="sentences"/> texts at each batch size after one warm-up batch.
    /// </summary>
    public static IReadOnlyList<ThroughputResult> Run(ITextEncoder encoder, IReadOnlyList<int> batchSizes, int sentences = 96, IProgress<ThroughputResult>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(batchSizes);
        var texts = SampleTexts(sentences);
        double meanTokens = texts.Average(encoder.CountTokens);
        var results = new List<ThroughputResult>();
        foreach (var batch in batchSizes)
        {
            if (batch < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(batchSizes), batch, $"batch sizes must be at least 1, got {batch}");
            }

            encoder.Encode(texts.Take(batch).ToArray());
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            foreach (var chunk in texts.Chunk(batch))
            {
                encoder.Encode(chunk);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            var r = new ThroughputResult(batch, texts.Count, seconds, meanTokens, cpu);
            results.Add(r);
            progress?.Report(r);
        }

        return results;
    }

    /// <summary>Deterministic, varied descriptions in the synthetic generator's vocabulary, rendered.</summary>
    public static IReadOnlyList<string> SampleTexts(int count)
    {
        string[] locations = ["upper left", "upper centre", "upper right", "centre left", "centre", "centre right", "lower left", "lower centre", "lower right"];
        string[] boundaries = ["well-defined", "irregular", "ill-defined"];
        string[] colours = ["reddish", "dark red", "pale pink"];
        string[] textures = ["smooth", "granular", "striated"];
        string[] confidences = ["high", "medium", "low"];
        string[] remarks =
        [
            "No other abnormal regions.",
            "One smaller round look-alike region with a bluish tint, not part of the lesion.",
            "2 smaller round look-alike regions with a bluish tint, not part of the lesion.",
        ];
        return Enumerable.Range(0, count).Select(i => DescriptionText.Render(new LesionDescription(
            $"s{i}",
            locations[i % 9],
            boundaries[i / 9 % 3],
            $"{colours[i / 3 % 3]} colour, {textures[i / 27 % 3]} texture",
            $"{1 + (i * 7 % 40)}%",
            confidences[i / 2 % 3],
            remarks[i / 5 % 3]))).ToArray();
    }
}
