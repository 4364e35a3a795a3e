namespace GazeInsight.Metrics;

/// <summary>
/// How Dice and IoU treat empty masks, and whether an epsilon is added to the denominator.
/// Rules apply in order: (1) ground truth empty and <see cref="EmptyTruthIsNaN"/>: NaN;
/// (2) both masks empty: <see cref="BothEmpty"/>; (3) otherwise the formula
/// Dice = 2|P∩G| / (|P| + |G| + Epsilon), IoU = |P∩G| / (|P∪G| + Epsilon).
/// An empty prediction of a non-empty truth scores 0 under every policy (a genuine miss).
/// </summary>
/// <param name="Epsilon">Added to the denominator; 1e-7 in the reference code, 0 in MONAI.</param>
/// <param name="BothEmpty">Value when prediction and truth are both empty.</param>
/// <param name="EmptyTruthIsNaN">
/// When true every case with an empty ground truth is NaN (MONAI's <c>ignore_empty=True</c>):
/// such a case can only score 0 or 1, which says nothing about segmentation quality.
/// </param>
public sealed record OverlapPolicy(double Epsilon, EmptyValue BothEmpty, bool EmptyTruthIsNaN)
{
    /// <summary>
    /// The convention of the released training code (method.md §7): epsilon 1e-7 and no special
    /// cases, so both-empty gives 0 and an empty truth with a non-empty prediction gives 0.
    /// </summary>
    public static OverlapPolicy Reference { get; } = new(1e-7, EmptyValue.Zero, false);

    /// <summary>MONAI <c>DiceMetric</c>/<c>MeanIoU</c> defaults (<c>ignore_empty=True</c>): exact ratio, empty truth gives NaN.</summary>
    public static OverlapPolicy Monai { get; } = new(0.0, EmptyValue.NaN, true);

    /// <summary>MONAI with <c>ignore_empty=False</c>: exact ratio, both empty gives 1, empty truth with a non-empty prediction gives 0.</summary>
    public static OverlapPolicy MonaiKeepEmpty { get; } = new(0.0, EmptyValue.One, false);

    /// <summary>Exact ratio, both empty gives 0, empty truth with a non-empty prediction gives 0.</summary>
    public static OverlapPolicy ExactZero { get; } = new(0.0, EmptyValue.Zero, false);

    /// <summary>
    /// The policy named on the command line: <c>reference</c>, <c>nan</c> (MONAI default),
    /// <c>one</c> (MONAI ignore_empty=False), <c>zero</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static OverlapPolicy Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "reference" => Reference,
        "nan" => Monai,
        "one" => MonaiKeepEmpty,
        "zero" => ExactZero,
        _ => throw new ArgumentException(
            $"unknown empty-mask policy '{name}' (expected reference, nan, one or zero)", nameof(name)),
    };

    internal double Resolve(EmptyValue value) => value switch
    {
        EmptyValue.Zero => 0.0,
        EmptyValue.One => 1.0,
        _ => double.NaN,
    };
}
