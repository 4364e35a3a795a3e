namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Refines a soft gaze map with a two-label fully connected CRF (method.md §2, see
/// <see cref="DenseCrfOptions"/>) by mean-field inference, keeping the soft foreground marginal.
/// Each iteration: <c>Q &lt;- softmax(-U + w * S^-1/2 K S^-1/2 Q)</c>, where K is the bilateral
/// Gaussian over (x/80, y/80, colour/13) including each pixel itself and S = K 1 (symmetric
/// normalisation), the Potts model written as a reward for agreeing labels.
/// </summary>
public static class DenseCrf
{
    /// <summary>
    /// The refined foreground probability, height*width in [0,1].
    /// </summary>
    /// <param name="image">channels*height*width intensities (channel-major), 0..255 scale; 1 or 3 channels.</param>
    /// <param name="prior">height*width foreground probabilities in [0,1] (the gaze heatmap).</param>
    public static float[] Refine(ReadOnlySpan<float> image, int channels, int width, int height, ReadOnlySpan<float> prior, DenseCrfOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        int n = width * height;
        if (channels < 1 || width < 1 || height < 1 || image.Length != channels * n)
        {
            throw new ArgumentException($"image has {image.Length} values, expected {channels}x{height}x{width}", nameof(image));
        }
        if (prior.Length != n)
        {
            throw new ArgumentException($"prior has {prior.Length} values, expected {height}x{width}", nameof(prior));
        }

        int dims = 2 + channels;
        var features = new float[n * dims];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                features[i * dims] = (float)(x / options.SpatialStd);
                features[i * dims + 1] = (float)(y / options.SpatialStd);
                for (int c = 0; c < channels; c++)
                {
                    features[i * dims + 2 + c] = (float)(image[c * n + i] / options.ColourStd);
                }
            }
        }
        Action<float[], float[], int> filter;
        if (options.Filter == BilateralFilterKind.Permutohedral)
        {
            var lattice = new PermutohedralLattice(features, n, dims);
            filter = (input, output, ch) => lattice.Filter(input, output, ch);
        }
        else if (options.Filter == BilateralFilterKind.Exact)
        {
            filter = (input, output, ch) => ExactFilter(features, dims, input, output, ch);
        }
        else
        {
            throw new ArgumentException($"unknown bilateral filter {options.Filter}");
        }

        // Unary and initial marginals.
        var unary = new float[n * 2];
        var q = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            double p = Math.Clamp((double)prior[i], 0.0, 1.0);
            double background = Math.Clamp(1 - p, options.ClipMin, 1);
            double foreground = Math.Clamp(p, options.ClipMin, 1);
            unary[i * 2] = (float)-Math.Log(background);
            unary[i * 2 + 1] = (float)-Math.Log(foreground);
            Softmax(-unary[i * 2], -unary[i * 2 + 1], out q[i * 2], out q[i * 2 + 1]);
        }

        var ones = new float[n];
        Array.Fill(ones, 1f);
        var norm = new float[n];
        filter(ones, norm, 1);
        for (int i = 0; i < n; i++)
        {
            norm[i] = (float)(1.0 / Math.Sqrt(norm[i] + 1e-20));
        }

        var scaled = new float[n * 2];
        var message = new float[n * 2];
        float w = (float)options.PottsWeight;
        for (int iteration = 0; iteration < options.Iterations; iteration++)
        {
            for (int i = 0; i < n; i++)
            {
                scaled[i * 2] = q[i * 2] * norm[i];
                scaled[i * 2 + 1] = q[i * 2 + 1] * norm[i];
            }
            filter(scaled, message, 2);
            for (int i = 0; i < n; i++)
            {
                float m0 = message[i * 2] * norm[i];
                float m1 = message[i * 2 + 1] * norm[i];
                Softmax(-unary[i * 2] + w * m0, -unary[i * 2 + 1] + w * m1, out q[i * 2], out q[i * 2 + 1]);
            }
        }

        var result = new float[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = q[i * 2 + 1];
        }
        return result;
    }

    private static void Softmax(float a, float b, out float pa, out float pb)
    {
        float max = Math.Max(a, b);
        float ea = MathF.Exp(a - max);
        float eb = MathF.Exp(b - max);
        pa = ea / (ea + eb);
        pb = eb / (ea + eb);
    }

    /// <summary>output_i = sum_j exp(-|f_i - f_j|^2 / 2) input_j over all pairs (self included).</summary>
    private static void ExactFilter(float[] features, int dims, float[] input, float[] output, int channels)
    {
        int n = features.Length / dims;
        Parallel.For(0, n, i =>
        {
            Span<double> sum = stackalloc double[channels];
            sum.Clear();
            for (int j = 0; j < n; j++)
            {
                double d2 = 0;
                for (int k = 0; k < dims; k++)
                {
                    double diff = features[i * dims + k] - features[j * dims + k];
                    d2 += diff * diff;
                }
                double weight = Math.Exp(-0.5 * d2);
                for (int c = 0; c < channels; c++)
                {
                    sum[c] += weight * input[j * channels + c];
                }
            }
            for (int c = 0; c < channels; c++)
            {
                output[i * channels + c] = (float)sum[c];
            }
        });
    }
}
