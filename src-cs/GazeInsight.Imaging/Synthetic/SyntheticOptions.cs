using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using GazeInsight.Imaging.Data;

namespace GazeInsight.Imaging.Synthetic;

/// <summary>
/// What the synthetic data set looks like (docs/gaze.md, "Synthetic data set"). Defaults suit a
/// CPU experiment: 96x96 images, 160 train and 40 test.
/// </summary>
public sealed record SyntheticOptions
{
    /// <summary>Bumped whenever the generator's output for the same options changes, so that
    /// caches made by older code are not reused.</summary>
    public const int GeneratorVersion = 2;

    /// <summary>Side of the square images, pixels (32..1024).</summary>
    public int ImageSize { get; init; } = 96;

    /// <summary>Number of training images (ids listed in train.txt).</summary>
    public int TrainCount { get; init; } = 160;

    /// <summary>Number of test images (ids listed in test.txt).</summary>
    public int TestCount { get; init; } = 40;

    /// <summary>Seed of everything random in the set.</summary>
    public long Seed { get; init; }

    /// <summary>Look-alike regions per image (bluish-tinted, smaller, rounder, smooth).</summary>
    public int Distractors { get; init; } = 2;

    /// <summary>Gaze jitter standard deviation as a fraction of the image side (0.05 = 4.8 px at 96).</summary>
    public double GazeNoise { get; init; } = 0.05;

    /// <summary>Fraction of fixations that dwell on a distractor (or elsewhere when there is none).</summary>
    public double GazeOffTargetFraction { get; init; } = 0.2;

    /// <summary>Fewest fixations per image.</summary>
    public int GazeMinFixations { get; init; } = 6;

    /// <summary>Most fixations per image.</summary>
    public int GazeMaxFixations { get; init; } = 14;

    /// <summary>Heatmap Gaussian sigma in 768-canvas pixels (70, as Kvasir-SEG).</summary>
    public double HeatmapSigma { get; init; } = 70.0;

    /// <summary>Probability that each description field is replaced by a wrong value of its kind
    /// (a VLM's mistakes), 0 = descriptions are exact.</summary>
    public double DescriptionCorruption { get; init; }

    /// <summary>Twins of the lesion per image (0..4): its colour, texture, boundary kind and aspect,
    /// 0.6..0.9 of its size, in another third of the image than the lesion and named there by the
    /// description's remarks, so only the text tells them apart from it. 0 (the default) leaves the
    /// generator's output as it was; options added later are not written to synthetic.json at their
    /// default and enter the cache key only when set.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Decoys { get; init; }

    /// <summary>Chance, per fixation of a reading, of one more fixation dwelling on a decoy (so the
    /// gaze maps cover decoys the way they cover the lesion). Needs <see cref="Decoys"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double DecoyDwell { get; init; }

    /// <summary>How far the boundary sweep overshoots the lesion's edge, in lesion equivalent radii
    /// (0 = on the edge): the broad gaze levels then spill over the boundary.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double GazeSpill { get; init; }

    /// <summary>Rgb (the default): photograph-like lesions (<see cref="SyntheticScene"/>); Mri:
    /// one-channel MRI-like slices (<see cref="SyntheticMriScene"/>), read with the
    /// "generic-mri" layout. Left out of synthetic.json and the cache key when Rgb, so that
    /// the default set and its cache are what they were before the option existed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public Modality Modality { get; init; }

    /// <summary>The layout the set is read with: "generic" (RGB) or "generic-mri".</summary>
    [JsonIgnore]
    public string Layout => Modality == Modality.Mri ? "generic-mri" : "generic";

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> naming the first bad one with its value.</summary>
    public SyntheticOptions Validated()
    {
        Require(ImageSize is >= 32 and <= 1024, $"image size must be in 32..1024, got {ImageSize}");
        Require(TrainCount >= 1, $"train count must be at least 1, got {TrainCount}");
        Require(TestCount >= 1, $"test count must be at least 1, got {TestCount}");
        Require((long)TrainCount + TestCount <= 1_000_000, $"train + test must be at most 1000000, got {(long)TrainCount + TestCount}");
        Require(Distractors is >= 0 and <= 8, $"distractors must be in 0..8, got {Distractors}");
        Require(GazeNoise >= 0 && GazeNoise <= 1, $"gaze noise must be in [0, 1] (fraction of the image side), got {GazeNoise}");
        Require(GazeOffTargetFraction >= 0 && GazeOffTargetFraction <= 1, $"gaze off-target fraction must be in [0, 1], got {GazeOffTargetFraction}");
        Require(GazeMinFixations >= 1 && GazeMaxFixations >= GazeMinFixations && GazeMaxFixations <= 1000,
            $"gaze fixations must satisfy 1 <= min <= max <= 1000, got {GazeMinFixations}..{GazeMaxFixations}");
        Require(HeatmapSigma > 0 && double.IsFinite(HeatmapSigma), $"heatmap sigma must be positive, got {HeatmapSigma}");
        Require(Enum.IsDefined(Modality), $"modality must be Rgb or Mri, got {Modality}");
        Require(DescriptionCorruption >= 0 && DescriptionCorruption <= 1, $"description corruption must be in [0, 1], got {DescriptionCorruption}");
        Require(Decoys is >= 0 and <= 4, $"decoys must be in 0..4, got {Decoys}");
        Require(DecoyDwell >= 0 && DecoyDwell <= 1, $"decoy dwell must be in [0, 1], got {DecoyDwell}");
        Require(DecoyDwell == 0 || Decoys > 0, $"decoy dwell needs decoys, got dwell {DecoyDwell} with 0 decoys");
        Require(GazeSpill >= 0 && GazeSpill <= 2, $"gaze spill must be in [0, 2] (lesion radii), got {GazeSpill}");
        return this;
    }

    /// <summary>
    /// A stable name for these options (and this generator version): 16 hex digits of the SHA-256
    /// of a canonical text. Equal options give equal keys on every machine and run.
    /// </summary>
    public string CacheKey()
    {
        string canonical = string.Join(";",
            "v=" + GeneratorVersion.ToString(CultureInfo.InvariantCulture),
            "size=" + ImageSize.ToString(CultureInfo.InvariantCulture),
            "train=" + TrainCount.ToString(CultureInfo.InvariantCulture),
            "test=" + TestCount.ToString(CultureInfo.InvariantCulture),
            "seed=" + Seed.ToString(CultureInfo.InvariantCulture),
            "distractors=" + Distractors.ToString(CultureInfo.InvariantCulture),
            "gazeNoise=" + GazeNoise.ToString("R", CultureInfo.InvariantCulture),
            "offTarget=" + GazeOffTargetFraction.ToString("R", CultureInfo.InvariantCulture),
            "fixations=" + GazeMinFixations.ToString(CultureInfo.InvariantCulture) + ".." + GazeMaxFixations.ToString(CultureInfo.InvariantCulture),
            "sigma=" + HeatmapSigma.ToString("R", CultureInfo.InvariantCulture),
            "corruption=" + DescriptionCorruption.ToString("R", CultureInfo.InvariantCulture));
        // options added later enter the key only when set, so the sets made before keep their keys
        if (Decoys != 0 || DecoyDwell != 0)
        {
            canonical += ";decoys=" + Decoys.ToString(CultureInfo.InvariantCulture) + "@" + DecoyDwell.ToString("R", CultureInfo.InvariantCulture);
        }
        if (GazeSpill != 0)
        {
            canonical += ";spill=" + GazeSpill.ToString("R", CultureInfo.InvariantCulture);
        }
        if (Modality != Modality.Rgb)
        {
            canonical += ";modality=" + Modality.ToString().ToLowerInvariant();
        }
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return Convert.ToHexString(hash, 0, 8).ToLowerInvariant();
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
