using GazeInsight.Imaging.Data;

namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Simulates a reader's fixations on one image from its true mask (method.md §2: ISIC has no
/// recorded gaze; any images+masks folder can be given gaze). See
/// <see cref="GazeSimulationOptions"/> for the model. Deterministic: the stream depends only on
/// the seed and the image name.
/// </summary>
public static class GazeSimulator
{
    /// <summary>
    /// Fixations for one image, in reading order, in the released CSV's conventions (normalised
    /// coordinates, 1-based index, ms).
    /// </summary>
    /// <param name="imageName">The <c>IMAGE</c> value, e.g. <c>cju0qkwl35piu0993l0dewei2.jpg</c>.</param>
    /// <param name="mask">height*width, non-zero = target.</param>
    /// <param name="offTargetMask">Optional height*width map of look-alike regions where
    /// off-target fixations dwell; empty = anywhere outside the target.</param>
    /// <param name="decoyMask">Optional height*width map of decoys that get
    /// <see cref="GazeSimulationOptions.DecoyDwell"/> extra fixations (drawn from a stream of their
    /// own, so the other fixations are the ones drawn without decoys).</param>
    public static IReadOnlyList<Fixation> Simulate(
        string imageName,
        ReadOnlySpan<byte> mask,
        int width,
        int height,
        GazeSimulationOptions options,
        long seed,
        ReadOnlySpan<byte> offTargetMask = default,
        ReadOnlySpan<byte> decoyMask = default)
    {
        ArgumentNullException.ThrowIfNull(imageName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        if (width < 1 || height < 1 || mask.Length != width * height)
        {
            throw new ArgumentException($"mask has {mask.Length} values, expected {width}x{height}", nameof(mask));
        }
        if (!offTargetMask.IsEmpty && offTargetMask.Length != mask.Length)
        {
            throw new ArgumentException($"off-target mask has {offTargetMask.Length} values, expected {width}x{height}", nameof(offTargetMask));
        }
        if (!decoyMask.IsEmpty && decoyMask.Length != mask.Length)
        {
            throw new ArgumentException($"decoy mask has {decoyMask.Length} values, expected {width}x{height}", nameof(decoyMask));
        }

        var rng = Pcg32.For(seed, imageName);
        var target = new List<int>();
        var boundary = new List<int>();
        var outside = new List<int>();
        var lookAlike = new List<int>();
        double sumX = 0, sumY = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                if (mask[i] != 0)
                {
                    target.Add(i);
                    sumX += x;
                    sumY += y;
                    bool edge = x == 0 || y == 0 || x == width - 1 || y == height - 1
                        || mask[i - 1] == 0 || mask[i + 1] == 0 || mask[i - width] == 0 || mask[i + width] == 0;
                    if (edge)
                    {
                        boundary.Add(i);
                    }
                }
                else
                {
                    outside.Add(i);
                    if (!offTargetMask.IsEmpty && offTargetMask[i] != 0)
                    {
                        lookAlike.Add(i);
                    }
                }
            }
        }

        int count = rng.NextInt(options.MinFixations, options.MaxFixations);
        var points = new List<(double X, double Y)>(count);
        if (target.Count == 0)
        {
            // Nothing to look at: the reader scans the whole image.
            for (int k = 0; k < count; k++)
            {
                points.Add(Jitter(rng.Uniform(0, width), rng.Uniform(0, height), width, height, options, rng));
            }
        }
        else
        {
            double cx = sumX / target.Count + 0.5;
            double cy = sumY / target.Count + 0.5;
            double equivalentRadius = Math.Sqrt(target.Count / Math.PI);
            // Boundary pixels in angular order around the centroid, for sweeps.
            boundary.Sort((a, b) => Angle(a, width, cx, cy).CompareTo(Angle(b, width, cx, cy)));
            List<int> offPool = lookAlike.Count > 0 ? lookAlike : outside;

            int offTarget = 0;
            int sweep = 0;
            for (int k = 0; k < count; k++)
            {
                if (offPool.Count > 0 && rng.Chance(options.OffTargetFraction))
                {
                    offTarget++;
                }
                else if (rng.Chance(options.BoundarySweep))
                {
                    sweep++;
                }
            }
            int interior = count - offTarget - sweep;

            // Reading order: a first look at the centre, the interior, one sweep along the
            // boundary, with off-target glances at random places in the sequence.
            var onTarget = new List<(double X, double Y)>();
            for (int k = 0; k < interior; k++)
            {
                if (rng.Chance(options.CentreBias))
                {
                    double s = options.CentreSpread * equivalentRadius;
                    onTarget.Add((cx + s * rng.NextNormal(), cy + s * rng.NextNormal()));
                }
                else
                {
                    onTarget.Add(PixelPoint(target[rng.NextInt(0, target.Count - 1)], width, rng));
                }
            }
            if (sweep > 0)
            {
                double start = rng.NextDouble();
                for (int k = 0; k < sweep; k++)
                {
                    double fraction = (start + (k + rng.Uniform(-0.25, 0.25)) / sweep) % 1.0;
                    if (fraction < 0)
                    {
                        fraction += 1.0;
                    }
                    int index = Math.Min(boundary.Count - 1, (int)(fraction * boundary.Count));
                    onTarget.Add(Overshoot(PixelPoint(boundary[index], width, rng), cx, cy, options.BoundaryOvershoot * equivalentRadius));
                }
            }
            var offPoints = new List<(double X, double Y)>();
            for (int k = 0; k < offTarget; k++)
            {
                offPoints.Add(PixelPoint(offPool[rng.NextInt(0, offPool.Count - 1)], width, rng));
            }
            var slots = new bool[count];
            for (int k = 0; k < offTarget; k++)
            {
                int slot;
                do
                {
                    slot = rng.NextInt(0, count - 1);
                }
                while (slots[slot]);
                slots[slot] = true;
            }
            int on = 0, off = 0;
            for (int k = 0; k < count; k++)
            {
                (double X, double Y) p = slots[k] ? offPoints[off++] : onTarget[on++];
                points.Add(Jitter(p.X, p.Y, width, height, options, rng));
            }
        }
        if (options.DecoyDwell > 0 && !decoyMask.IsEmpty)
        {
            AddDecoyFixations(points, imageName, decoyMask, width, height, options, seed);
        }

        var fixations = new List<Fixation>(count);
        double startMs = options.FirstStartMs;
        for (int k = 0; k < points.Count; k++)
        {
            double duration = Math.Round(Duration(options, rng));
            double pupil = Math.Round(1000.0 + 80.0 * rng.NextNormal());
            fixations.Add(new Fixation(
                imageName,
                k + 1,
                Math.Round(points[k].X / width, 6),
                Math.Round(points[k].Y / height, 6),
                duration,
                pupil,
                Math.Round(startMs),
                height,
                width));
            startMs += duration + rng.Uniform(options.SaccadeMinMs, options.SaccadeMaxMs);
        }
        return fixations;
    }

    /// <summary>
    /// Simulated fixations for every image of a data set (train then test order), named by the
    /// image's file name, drawn from its true mask. For <c>runner gaze simulate</c>.
    /// </summary>
    public static IReadOnlyList<Fixation> SimulateDataset(SegmentationDataset dataset, GazeSimulationOptions options, long seed,
        IProgress<GazeBuildProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options.Validated();
        var ids = dataset.TrainIds.Concat(dataset.TestIds).ToList();
        var result = new IReadOnlyList<Fixation>[ids.Count];
        int done = 0;
        Parallel.For(0, ids.Count, k =>
        {
            SegmentationSample sample = dataset.Load(ids[k]);
            string name = Path.GetFileName(dataset.ImagePath(ids[k]));
            result[k] = Simulate(name, sample.Mask, sample.Image.Width, sample.Image.Height, options, seed);
            progress?.Report(new GazeBuildProgress(Interlocked.Increment(ref done), ids.Count));
        });
        return result.SelectMany(f => f).ToList();
    }

    // Extra dwells on decoys, inserted at random places of the reading: one chance per fixation.
    private static void AddDecoyFixations(List<(double X, double Y)> points, string imageName, ReadOnlySpan<byte> decoyMask,
        int width, int height, GazeSimulationOptions options, long seed)
    {
        var decoys = new List<int>();
        for (int i = 0; i < decoyMask.Length; i++)
        {
            if (decoyMask[i] != 0)
            {
                decoys.Add(i);
            }
        }
        if (decoys.Count == 0)
        {
            return;
        }
        var rng = Pcg32.For(seed, "decoy/" + imageName);
        int reading = points.Count;
        for (int k = 0; k < reading; k++)
        {
            if (rng.Chance(options.DecoyDwell))
            {
                (double x, double y) = PixelPoint(decoys[rng.NextInt(0, decoys.Count - 1)], width, rng);
                points.Insert(rng.NextInt(0, points.Count), Jitter(x, y, width, height, options, rng));
            }
        }
    }

    // A boundary point moved outward (away from the centroid) by `distance` pixels.
    private static (double X, double Y) Overshoot((double X, double Y) p, double cx, double cy, double distance)
    {
        double dx = p.X - cx, dy = p.Y - cy;
        double length = Math.Sqrt(dx * dx + dy * dy);
        return distance <= 0 || length == 0 ? p : (p.X + dx / length * distance, p.Y + dy / length * distance);
    }

    private static double Angle(int index, int width, double cx, double cy) =>
        Math.Atan2(index / width + 0.5 - cy, index % width + 0.5 - cx);

    private static (double X, double Y) PixelPoint(int index, int width, Pcg32 rng) =>
        (index % width + rng.NextDouble(), index / width + rng.NextDouble());

    /// <summary>Gaussian jitter; a draw leaving the image is redrawn (the release dropped
    /// fixations outside the image), and clamped inside after a few tries.</summary>
    private static (double X, double Y) Jitter(double x, double y, int width, int height, GazeSimulationOptions options, Pcg32 rng)
    {
        double s = options.PositionalNoisePx;
        for (int attempt = 0; attempt < 8; attempt++)
        {
            double jx = x + s * rng.NextNormal();
            double jy = y + s * rng.NextNormal();
            if (jx >= 0 && jx < width && jy >= 0 && jy < height)
            {
                return (jx, jy);
            }
        }
        return (Math.Clamp(x, 0, Math.BitDecrement((double)width)), Math.Clamp(y, 0, Math.BitDecrement((double)height)));
    }

    private static double Duration(GazeSimulationOptions options, Pcg32 rng)
    {
        double mu = Math.Log(options.DurationMedianMs);
        for (int attempt = 0; attempt < 64; attempt++)
        {
            double d = Math.Exp(mu + options.DurationLogSigma * rng.NextNormal());
            if (d >= options.MinDurationMs)
            {
                return d;
            }
        }
        return Math.Max(options.MinDurationMs, options.DurationMedianMs);
    }
}
