using System.Globalization;
using GazeInsight.Imaging.Data;
using GazeInsight.Imaging.Gaze;

namespace GazeInsight.Imaging.Synthetic;

/// <summary>
/// One synthetic image: tissue-like background, one lesion (an irregular ellipse with its own
/// colour and texture) and look-alike distractors (smaller, rounder, smooth, bluish-tinted
/// versions of the lesion's colour), with the lesion's true mask and a description derived from
/// the drawing parameters.
/// </summary>
internal sealed class SyntheticScene
{
    private static readonly string[] BoundaryWords = ["well-defined", "irregular", "ill-defined"];
    private static readonly string[] ColourWords = ["reddish", "dark red", "pale pink"];
    private static readonly string[] TextureWords = ["smooth", "granular", "striated"];
    private static readonly string[] ConfidenceWords = ["high", "medium", "low"];

    // Lesion colour offsets from the background, per colour word (R, G, B).
    private static readonly double[][] ColourShift = [[-12, -48, -38], [-55, -62, -48], [30, 38, 45]];

    // Distractors share the lesion's colour shifted towards blue: the cue a model can learn.
    private static readonly double[] DistractorShift = [-10, 6, 24];

    private SyntheticScene(int size, byte[] rgb, byte[] mask, byte[] distractorMask, byte[] decoyMask, LesionDescription description)
    {
        Size = size;
        Rgb = rgb;
        Mask = mask;
        DistractorMask = distractorMask;
        DecoyMask = decoyMask;
        Description = description;
    }

    public int Size { get; }

    /// <summary>size*size*3, interleaved RGB.</summary>
    public byte[] Rgb { get; }

    /// <summary>size*size, 255 = lesion.</summary>
    public byte[] Mask { get; }

    /// <summary>size*size, 255 = a distractor (where simulated off-target gaze dwells).</summary>
    public byte[] DistractorMask { get; }

    /// <summary>size*size, 255 = a decoy (a twin of the lesion that only the description rules out).</summary>
    public byte[] DecoyMask { get; }

    /// <summary>The true description (before any corruption).</summary>
    public LesionDescription Description { get; }

    public static SyntheticScene Render(string id, int size, int distractors, long seed, int decoys = 0)
    {
        var rng = Pcg32.For(seed, "scene/" + id);
        int n = size * size;
        var image = new double[n * 3];

        // Background: a pinkish base, a few slow waves, pixel noise.
        double[] baseColour = [rng.Uniform(170, 210), rng.Uniform(95, 125), rng.Uniform(85, 115)];
        var waves = new (double Kx, double Ky, double Phase, double Amp)[3];
        for (int w = 0; w < waves.Length; w++)
        {
            double direction = rng.Uniform(0, 2 * Math.PI);
            double wavelength = rng.Uniform(0.5, 1.5) * size;
            waves[w] = (Math.Cos(direction) * 2 * Math.PI / wavelength, Math.Sin(direction) * 2 * Math.PI / wavelength,
                rng.Uniform(0, 2 * Math.PI), rng.Uniform(4, 10));
        }
        double[] channelWave = [1.0, 0.8, 0.8];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double wave = 0;
                foreach ((double kx, double ky, double phase, double amp) in waves)
                {
                    wave += amp * Math.Cos(kx * x + ky * y + phase);
                }
                for (int c = 0; c < 3; c++)
                {
                    image[(y * size + x) * 3 + c] = baseColour[c] + channelWave[c] * wave + 5 * rng.NextNormal();
                }
            }
        }

        // Lesion parameters.
        int boundaryKind = rng.NextInt(0, 2);
        int colourKind = rng.NextInt(0, 2);
        int textureKind = rng.NextInt(0, 2);
        double a = rng.Uniform(0.12, 0.22) * size;
        double b = a * rng.Uniform(0.6, 1.0);
        double cx = rng.Uniform(0.22, 0.78) * size;
        double cy = rng.Uniform(0.22, 0.78) * size;
        var lesion = new Blob(cx, cy, a, b, rng.Uniform(0, Math.PI), Harmonics(rng, boundaryKind == 1 ? 0.06 : 0.0, boundaryKind == 1 ? 0.12 : 0.025),
            boundaryKind == 2 ? 4.0 : 0.8);
        double[] lesionColour = new double[3];
        for (int c = 0; c < 3; c++)
        {
            lesionColour[c] = baseColour[c] + ColourShift[colourKind][c] + rng.Uniform(-6, 6);
        }
        double stripeAngle = rng.Uniform(0, Math.PI);
        double stripePeriod = rng.Uniform(4, 7);
        var mask = new byte[n];
        PaintBlob(image, size, lesion, lesionColour, (x, y) => Texture(textureKind, x, y, stripeAngle, stripePeriod, rng), mask);

        var placed = new List<(double X, double Y, double R)> { (cx, cy, lesion.MaxRadius) };
        // Decoys: twins of the lesion (its colour, texture, boundary kind and aspect, 0.6..0.9 of its
        // size) in a third of the image other than the lesion's, so that the image cannot tell them
        // apart and the description's location and remarks can. Drawn from a stream of their own:
        // without decoys the scene is the one drawn before they existed. Placed before the
        // distractors, which then keep clear of them.
        var decoyMask = new byte[n];
        var decoyLocations = new List<string>();
        if (decoys > 0)
        {
            var decoyRng = Pcg32.For(seed, "decoy/" + id);
            string lesionLocation = LocationOf(mask, size);
            for (int d = 0; d < decoys; d++)
            {
                double scale = decoyRng.Uniform(0.6, 0.9);
                var twin = new Blob(0, 0, a * scale, b * scale, decoyRng.Uniform(0, Math.PI),
                    Harmonics(decoyRng, boundaryKind == 1 ? 0.06 : 0.0, boundaryKind == 1 ? 0.12 : 0.025), lesion.EdgeWidth);
                double reach = twin.MaxRadius + twin.EdgeWidth;
                for (int attempt = 0; attempt < 200 && size - 2 * reach - 2 > 0; attempt++)
                {
                    double dx = decoyRng.Uniform(reach + 1, size - reach - 1);
                    double dy = decoyRng.Uniform(reach + 1, size - reach - 1);
                    string where = LocationWord(dx / size, dy / size);
                    if (where == lesionLocation || decoyLocations.Contains(where)
                        || placed.Any(p => Math.Sqrt((p.X - dx) * (p.X - dx) + (p.Y - dy) * (p.Y - dy)) < p.R + reach * 1.3 + 3))
                    {
                        continue;
                    }
                    PaintBlob(image, size, twin with { X = dx, Y = dy }, lesionColour,
                        (x, y) => Texture(textureKind, x, y, stripeAngle, stripePeriod, decoyRng), decoyMask);
                    placed.Add((dx, dy, reach));
                    decoyLocations.Add(where);
                    break;
                }
            }
        }

        // Distractors, kept clear of the lesion (and decoys) and of each other.
        var distractorMask = new byte[n];
        for (int d = 0; d < distractors; d++)
        {
            // Always smaller than the lesion, so that "smaller look-alike" in the remarks is true
            // and size is one of the cues a model can learn.
            double r = rng.Uniform(0.5, 0.85) * Math.Sqrt(a * b);
            for (int attempt = 0; attempt < 50; attempt++)
            {
                double dx = rng.Uniform(r + 1, size - r - 1);
                double dy = rng.Uniform(r + 1, size - r - 1);
                if (placed.Any(p => Math.Sqrt((p.X - dx) * (p.X - dx) + (p.Y - dy) * (p.Y - dy)) < p.R + r * 1.1 + 3))
                {
                    continue;
                }
                var blob = new Blob(dx, dy, r, r * rng.Uniform(0.8, 1.0), rng.Uniform(0, Math.PI), Harmonics(rng, 0.0, 0.03), 0.8);
                double[] colour = new double[3];
                for (int c = 0; c < 3; c++)
                {
                    colour[c] = lesionColour[c] + DistractorShift[c] + rng.Uniform(-4, 4);
                }
                PaintBlob(image, size, blob, colour, (_, _) => 2.5 * rng.NextNormal(), distractorMask);
                placed.Add((dx, dy, blob.MaxRadius));
                break;
            }
        }

        var rgb = new byte[n * 3];
        for (int i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (byte)Math.Clamp(Math.Round(image[i]), 0, 255);
        }
        int placedDistractors = placed.Count - 1 - decoyLocations.Count;
        var description = Describe(id, size, mask, boundaryKind, colourKind, textureKind, placedDistractors, decoyLocations);
        return new SyntheticScene(size, rgb, mask, distractorMask, decoyMask, description);
    }

    /// <summary>Replaces each field, with probability p, by a wrong value of its kind.</summary>
    public static LesionDescription Corrupt(LesionDescription truth, double probability, long seed)
    {
        if (probability <= 0)
        {
            return truth;
        }
        var rng = Pcg32.For(seed, "text/" + truth.Id);
        string Pick(string current, IReadOnlyList<string> vocabulary)
        {
            if (!rng.Chance(probability))
            {
                return current;
            }
            string[] others = vocabulary.Where(v => v != current).ToArray();
            return others[rng.NextInt(0, others.Length - 1)];
        }
        string location = Pick(truth.Location, LocationWords());
        string boundary = Pick(truth.Boundary, BoundaryWords);
        string characteristics = truth.Characteristics;
        if (rng.Chance(probability))
        {
            characteristics = $"{ColourWords[rng.NextInt(0, 2)]} colour, {TextureWords[rng.NextInt(0, 2)]} texture";
            if (characteristics == truth.Characteristics)
            {
                characteristics = "pale pink colour, smooth texture" == truth.Characteristics ? "dark red colour, granular texture" : "pale pink colour, smooth texture";
            }
        }
        string area = truth.AreaPercentage;
        if (rng.Chance(probability))
        {
            int truePercent = int.Parse(truth.AreaPercentage.TrimStart('<').TrimEnd('%'), CultureInfo.InvariantCulture);
            double factor = rng.Chance(0.5) ? rng.Uniform(2, 4) : 1.0 / rng.Uniform(2, 4);
            area = Math.Max(1, (int)Math.Round(Math.Max(1, truePercent) * factor)).ToString(CultureInfo.InvariantCulture) + "%";
        }
        string confidence = Pick(truth.Confidence, ConfidenceWords);
        string remarks = truth.Remarks;
        if (rng.Chance(probability))
        {
            remarks = truth.Remarks.StartsWith("No ", StringComparison.Ordinal) ? Remarks(1 + rng.NextInt(0, 2)) : Remarks(0);
        }
        return truth with
        {
            Location = location,
            Boundary = boundary,
            Characteristics = characteristics,
            AreaPercentage = area,
            Confidence = confidence,
            Remarks = remarks,
        };
    }

    private static LesionDescription Describe(string id, int size, byte[] mask, int boundaryKind, int colourKind, int textureKind, int distractors,
        IReadOnlyList<string> decoyLocations)
    {
        long area = mask.Count(v => v != 0);
        string location = LocationOf(mask, size);
        double percent = 100.0 * area / mask.Length;
        string areaText = percent < 0.5 ? "<1%" : Math.Round(percent, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture) + "%";
        return new LesionDescription(
            id,
            location,
            BoundaryWords[boundaryKind],
            $"{ColourWords[colourKind]} colour, {TextureWords[textureKind]} texture",
            areaText,
            ConfidenceWords[boundaryKind],
            Remarks(distractors) + DecoyRemark(decoyLocations));
    }

    /// <summary>Third of the image the mask's centroid is in ("centre" for an empty mask).</summary>
    private static string LocationOf(byte[] mask, int size)
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
        return area > 0 ? LocationWord(sx / area / size, sy / area / size) : "centre";
    }

    private static string DecoyRemark(IReadOnlyList<string> locations) => locations.Count switch
    {
        0 => "",
        1 => $" A region at the {locations[0]} looks like the lesion but is not part of it.",
        _ => $" Regions at the {string.Join(", ", locations.Take(locations.Count - 1))} and {locations[^1]} look like the lesion but are not part of it.",
    };

    private static string Remarks(int distractors) => distractors switch
    {
        0 => "No other abnormal regions.",
        1 => "One smaller round look-alike region with a bluish tint, not part of the lesion.",
        _ => $"{distractors} smaller round look-alike regions with a bluish tint, not part of the lesion.",
    };

    private static string[] LocationWords() =>
        ["upper left", "upper centre", "upper right", "centre left", "centre", "centre right", "lower left", "lower centre", "lower right"];

    /// <summary>Third of the image the centroid falls in (fractions of the side).</summary>
    internal static string LocationWord(double fx, double fy)
    {
        int column = Math.Clamp((int)(fx * 3), 0, 2);
        int row = Math.Clamp((int)(fy * 3), 0, 2);
        return LocationWords()[row * 3 + column];
    }

    private static double Texture(int kind, int x, int y, double angle, double period, Pcg32 rng) => kind switch
    {
        0 => 3 * rng.NextNormal(),
        1 => 14 * rng.NextNormal(),
        _ => 12 * Math.Sin(2 * Math.PI * (x * Math.Cos(angle) + y * Math.Sin(angle)) / period) + 3 * rng.NextNormal(),
    };

    private static (double Amp, double Phase)[] Harmonics(Pcg32 rng, double minAmp, double maxAmp)
    {
        var harmonics = new (double, double)[4];
        for (int k = 0; k < harmonics.Length; k++)
        {
            harmonics[k] = (rng.Uniform(minAmp, maxAmp), rng.Uniform(0, 2 * Math.PI));
        }
        return harmonics;
    }

    /// <summary>Blends the blob's colour (plus texture) over the image by coverage; marks its mask where coverage >= 0.5.</summary>
    private static void PaintBlob(double[] image, int size, Blob blob, double[] colour, Func<int, int, double> texture, byte[] mask)
    {
        int x0 = Math.Max(0, (int)Math.Floor(blob.X - blob.MaxRadius - blob.EdgeWidth - 1));
        int x1 = Math.Min(size - 1, (int)Math.Ceiling(blob.X + blob.MaxRadius + blob.EdgeWidth + 1));
        int y0 = Math.Max(0, (int)Math.Floor(blob.Y - blob.MaxRadius - blob.EdgeWidth - 1));
        int y1 = Math.Min(size - 1, (int)Math.Ceiling(blob.Y + blob.MaxRadius + blob.EdgeWidth + 1));
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                double coverage = blob.Coverage(x + 0.5, y + 0.5);
                if (coverage <= 0)
                {
                    continue;
                }
                double t = texture(x, y);
                int p = (y * size + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    image[p + c] = image[p + c] * (1 - coverage) + (colour[c] + t) * coverage;
                }
                if (coverage >= 0.5)
                {
                    mask[y * size + x] = 255;
                }
            }
        }
    }

    /// <summary>An ellipse whose normalised radius is modulated by a few harmonics.</summary>
    private sealed record Blob(double X, double Y, double A, double B, double Rotation, (double Amp, double Phase)[] Harmonics, double EdgeWidth)
    {
        public double MaxRadius => A * (1 + Harmonics.Sum(h => h.Amp));

        /// <summary>0..1: how much of the point lies inside, ramping over EdgeWidth pixels.</summary>
        public double Coverage(double px, double py)
        {
            double dx = px - X;
            double dy = py - Y;
            double cos = Math.Cos(Rotation);
            double sin = Math.Sin(Rotation);
            double u = (dx * cos + dy * sin) / A;
            double v = (-dx * sin + dy * cos) / B;
            double rho = Math.Sqrt(u * u + v * v);
            double phi = Math.Atan2(v, u);
            double edge = 1.0;
            for (int k = 0; k < Harmonics.Length; k++)
            {
                edge += Harmonics[k].Amp * Math.Cos((k + 2) * phi + Harmonics[k].Phase);
            }
            double distancePx = (edge - rho) * Math.Sqrt(A * B);
            return Math.Clamp(0.5 + distancePx / EdgeWidth, 0, 1);
        }
    }
}
