namespace GazeInsight.Text.Encoders;

/// <summary>One encoded text.</summary>
/// <param name="Tokens">token embeddings, row-major [Length, Dimension] (padding excluded).</param>
/// <param name="Length">number of tokens L (special tokens included).</param>
/// <param name="Dimension">embedding size D.</param>
/// <param name="Pooled">sentence vector [Dimension]: mask-weighted mean of the token rows, L2-normalised.</param>
public sealed record EncodedText(float[] Tokens, int Length, int Dimension, float[] Pooled)
{
    /// <summary>Cosine similarity of two vectors of equal length.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"vectors differ in length: {a.Length} and {b.Length}");
        }

        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? double.NaN : dot / Math.Sqrt(na * nb);
    }
}
