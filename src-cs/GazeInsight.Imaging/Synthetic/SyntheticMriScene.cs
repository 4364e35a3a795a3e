using System.Globalization;
using GazeInsight.Imaging.Data;
using GazeInsight.Imaging.Gaze;

namespace GazeInsight.Imaging.Synthetic;

/// <summary>
/// One MRI-like synthetic slice (gray-scale, one channel): a dark field of view around an
/// elliptical body of soft tissue with a smooth coil bias field and Rician-like noise, one
/// organ-like lesion (a large, smooth, low-contrast gland with a slightly darker rim) and
/// look-alike round structures (smaller, rounder, uniformly dark, like vessels or a rectum).
/// Lesion statistics differ from <see cref="SyntheticScene"/>'s on purpose: bigger, central,
/// smoother and fainter, so that a second data set is a different task.
/// </summary>
internal static class SyntheticMriScene
{
    private static readonly string[] BoundaryWords = ["well-defined", "irregular", "ill-defined"];
    private static readonly string[] SignalWords = ["hypointense", "isointense", "hyperintense"];
    private static readonly string[] TextureWords = ["homogeneous", "heterogeneous", "speckled"];
    private static readonly string[] ConfidenceWords = ["high", "medium", "low"];

    // Lesion intensity offset from the surrounding tissue, per signal word (on a 0..255 scale).
    private static readonly double[] SignalShift = [-26, 14, 34];

    /// <summary>A slice: size*size gray pixels, the lesion's mask, the look-alikes' mask, the description.</summary>
    public sealed record Slice(byte[] Gray, byte[] Mask, byte[] DistractorMask, LesionDescription Description);

    public static Slice Render(string id, int size, int distractors, long seed)
    {
        var rng = Pcg32.For(seed, "mri/" + id);
        int n = size * size;
        var image = new double[n];

        // Body: an ellipse of tissue in a dark field of view; a smooth multiplicative bias field.
        double bodyA = rng.Uniform(0.40, 0.47) * size;
        double bodyB = rng.Uniform(0.32, 0.42) * size;
        double tissue = rng.Uniform(95, 125);
        double biasX = rng.Uniform(-0.25, 0.25);
        double biasY = rng.Uniform(-0.25, 0.25);
        double centre = size / 2.0;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double u = (x + 0.5 - centre) / bodyA;
                double v = (y + 0.5 - centre) / bodyB;
                double inside = Math.Clamp(0.5 + (1 - Math.Sqrt(u * u + v * v)) * Math.Sqrt(bodyA * bodyB) / 2.0, 0, 1);
                double bias = 1 + biasX * (x / (double)size - 0.5) + biasY * (y / (double)size - 0.5);
                image[y * size + x] = (8 + inside * (tissue - 8)) * bias;
            }
        }

        // Lesion: large and near the centre, smooth outline, faint contrast.
        int boundaryKind = rng.NextInt(0, 2);
        int signalKind = rng.NextInt(0, 2);
        int textureKind = rng.NextInt(0, 2);
        double a = rng.Uniform(0.16, 0.26) * size;
        double b = a * rng.Uniform(0.7, 1.0);
        double cx = centre + rng.Uniform(-0.12, 0.12) * size;
        double cy = centre + rng.Uniform(-0.12, 0.12) * size;
        double rotation = rng.Uniform(0, Math.PI);
        double wobble = boundaryKind == 1 ? 0.10 : 0.03;
        var harmonics = new (double Amp, double Phase)[3];
        for (int k = 0; k < harmonics.Length; k++)
        {
            harmonics[k] = (rng.Uniform(0, wobble), rng.Uniform(0, 2 * Math.PI));
        }
        double edgeWidth = boundaryKind == 2 ? 5.0 : 1.2;
        double shift = SignalShift[signalKind] + rng.Uniform(-4, 4);
        var mask = new byte[n];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double dx = x + 0.5 - cx;
                double dy = y + 0.5 - cy;
                double u = (dx * Math.Cos(rotation) + dy * Math.Sin(rotation)) / a;
                double v = (-dx * Math.Sin(rotation) + dy * Math.Cos(rotation)) / b;
                double rho = Math.Sqrt(u * u + v * v);
                double phi = Math.Atan2(v, u);
                double edge = 1.0;
                for (int k = 0; k < harmonics.Length; k++)
                {
                    edge += harmonics[k].Amp * Math.Cos((k + 2) * phi + harmonics[k].Phase);
                }
                double distancePx = (edge - rho) * Math.Sqrt(a * b);
                double coverage = Math.Clamp(0.5 + distancePx / edgeWidth, 0, 1);
                // a darker rim just outside the gland (a capsule), visible on every kind
                double rim = Math.Exp(-Math.Pow(distancePx + 1.5, 2) / 3.0);
                double texture = textureKind switch
                {
                    0 => 0,
                    1 => 8 * rng.NextNormal(),
                    _ => rng.Chance(0.08) ? rng.Uniform(15, 30) : 0,
                };
                int i = y * size + x;
                image[i] += coverage * (shift + texture) - 18 * rim;
                if (coverage >= 0.5)
                {
                    mask[i] = 255;
                }
            }
        }

        // Look-alikes: small, round, uniformly dark discs inside the body, clear of the lesion.
        var distractorMask = new byte[n];
        var placed = new List<(double X, double Y, double R)> { (cx, cy, a * (1 + wobble * 3)) };
        for (int d = 0; d < distractors; d++)
        {
            double r = rng.Uniform(0.3, 0.55) * Math.Sqrt(a * b);
            for (int attempt = 0; attempt < 50; attempt++)
            {
                double px = centre + rng.Uniform(-0.8, 0.8) * (bodyA - r);
                double py = centre + rng.Uniform(-0.8, 0.8) * (bodyB - r);
                if (placed.Any(p => Math.Sqrt((p.X - px) * (p.X - px) + (p.Y - py) * (p.Y - py)) < p.R + r + 3))
                {
                    continue;
                }
                double level = rng.Uniform(20, 40);
                for (int y = Math.Max(0, (int)(py - r - 2)); y <= Math.Min(size - 1, (int)(py + r + 2)); y++)
                {
                    for (int x = Math.Max(0, (int)(px - r - 2)); x <= Math.Min(size - 1, (int)(px + r + 2)); x++)
                    {
                        double dist = Math.Sqrt((x + 0.5 - px) * (x + 0.5 - px) + (y + 0.5 - py) * (y + 0.5 - py));
                        double coverage = Math.Clamp(0.5 + (r - dist) / 1.0, 0, 1);
                        int i = y * size + x;
                        image[i] = image[i] * (1 - coverage) + level * coverage;
                        if (coverage >= 0.5)
                        {
                            distractorMask[i] = 255;
                        }
                    }
                }
                placed.Add((px, py, r));
                break;
            }
        }

        // Rician-like noise: the magnitude of a complex signal with Gaussian noise on both parts.
        double sigma = rng.Uniform(4, 7);
        var gray = new byte[n];
        for (int i = 0; i < n; i++)
        {
            double re = image[i] + sigma * rng.NextNormal();
            double im = sigma * rng.NextNormal();
            gray[i] = (byte)Math.Clamp(Math.Round(Math.Sqrt(re * re + im * im)), 0, 255);
        }

        var description = Describe(id, size, mask, boundaryKind, signalKind, textureKind, placed.Count - 1);
        return new Slice(gray, mask, distractorMask, description);
    }

    /// <summary>As <see cref="SyntheticScene.Corrupt"/>, with MRI words for the characteristics.</summary>
    public static LesionDescription Corrupt(LesionDescription truth, double probability, long seed)
    {
        LesionDescription corrupted = SyntheticScene.Corrupt(truth, probability, seed);
        if (corrupted.Characteristics == truth.Characteristics)
        {
            return corrupted;
        }
        // the shared corruption drew photograph words: draw a wrong MRI description instead
        var rng = Pcg32.For(seed, "mri-text/" + truth.Id);
        string wrong;
        do
        {
            wrong = Characteristics(rng.NextInt(0, 2), rng.NextInt(0, 2));
        }
        while (wrong == truth.Characteristics);
        return corrupted with { Characteristics = wrong };
    }

    private static string Characteristics(int signalKind, int textureKind) => $"{SignalWords[signalKind]} signal, {TextureWords[textureKind]} texture";

    private static LesionDescription Describe(string id, int size, byte[] mask, int boundaryKind, int signalKind, int textureKind, int distractors)
    {
        long area = 0;
        double sx = 0, sy = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] != 0)
            {
                area++;
                sx += i % size + 0.5;
                sy += i / size + 0.5;
            }
        }
        string location = area > 0 ? SyntheticScene.LocationWord(sx / area / size, sy / area / size) : "centre";
        double percent = 100.0 * area / mask.Length;
        string areaText = percent < 0.5 ? "<1%" : Math.Round(percent, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture) + "%";
        string remarks = distractors switch
        {
            0 => "No other abnormal regions.",
            1 => "One smaller round dark structure, not part of the lesion.",
            _ => $"{distractors} smaller round dark structures, not part of the lesion.",
        };
        return new LesionDescription(id, location, BoundaryWords[boundaryKind], Characteristics(signalKind, textureKind), areaText,
            ConfidenceWords[boundaryKind], remarks);
    }
}
