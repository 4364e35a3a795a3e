namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Gaussian filtering in a d-dimensional feature space with the permutohedral lattice (Adams,
/// Baek and Davis, "Fast High-Dimensional Filtering Using the Permutohedral Lattice", 2010),
/// written from the paper: each point is embedded in the hyperplane of (d+1)-vectors summing to
/// zero, its values are splatted with barycentric weights onto the d+1 vertices of the enclosing
/// simplex, blurred with a [1/4 1/2 1/4] kernel along each of the d+1 lattice directions, and
/// sliced back with the same weights. Cost is linear in the number of points.
/// </summary>
/// <remarks>
/// Features are given already divided by the kernel's standard deviations, so the filter
/// approximates <c>sum_j exp(-|f_i - f_j|^2 / 2) v_j</c> up to a constant factor (which symmetric
/// normalisation cancels). The approximation is measured against the exact sum in
/// docs/gaze.md.
/// </remarks>
public sealed class PermutohedralLattice
{
    private readonly int _points;
    private readonly int _d;
    private readonly int[] _vertex;      // points*(d+1): lattice point of each simplex vertex
    private readonly float[] _weight;    // points*(d+1): barycentric weight of each vertex
    private readonly int _latticeSize;
    private readonly int[] _neighbours;  // (d+1)*latticeSize*2: the two neighbours along each direction, -1 if absent

    /// <summary>Builds the lattice for <paramref name="points"/> feature vectors of length <paramref name="dimensions"/>
    /// (row-major, points*dimensions, already scaled by 1/std).</summary>
    public PermutohedralLattice(ReadOnlySpan<float> features, int points, int dimensions)
    {
        if (points < 1 || dimensions < 1 || features.Length != points * dimensions)
        {
            throw new ArgumentException($"features have {features.Length} values, expected {points}x{dimensions}", nameof(features));
        }
        _points = points;
        _d = dimensions;
        int d = dimensions;
        int d1 = d + 1;
        _vertex = new int[points * d1];
        _weight = new float[points * d1];

        double invStd = Math.Sqrt(2.0 / 3.0) * d1;
        var scale = new double[d];
        for (int i = 0; i < d; i++)
        {
            scale[i] = invStd / Math.Sqrt((i + 1.0) * (i + 2.0));
        }
        var table = new KeyTable(d, Math.Max(16, points * d1));
        var elevated = new double[d1];
        var rem0 = new int[d1];
        var rank = new int[d1];
        var barycentric = new double[d + 2];
        var key = new int[d];

        for (int p = 0; p < points; p++)
        {
            ReadOnlySpan<float> f = features.Slice(p * d, d);
            // Elevate onto the hyperplane x_0 + ... + x_d = 0.
            double sum = 0;
            for (int i = d; i > 0; i--)
            {
                double cf = f[i - 1] * scale[i - 1];
                elevated[i] = sum - i * cf;
                sum += cf;
            }
            elevated[0] = sum;

            // Nearest remainder-0 point, then the ordering of the differences.
            int remainderSum = 0;
            for (int i = 0; i < d1; i++)
            {
                double v = elevated[i] / d1;
                double up = Math.Ceiling(v) * d1;
                double down = Math.Floor(v) * d1;
                rem0[i] = (int)(up - elevated[i] < elevated[i] - down ? up : down);
                remainderSum += rem0[i];
            }
            remainderSum /= d1;
            Array.Clear(rank);
            for (int i = 0; i < d; i++)
            {
                double di = elevated[i] - rem0[i];
                for (int j = i + 1; j < d1; j++)
                {
                    if (di < elevated[j] - rem0[j])
                    {
                        rank[i]++;
                    }
                    else
                    {
                        rank[j]++;
                    }
                }
            }
            // Bring the point back onto the plane when the rounding left it off.
            if (remainderSum > 0)
            {
                for (int i = 0; i < d1; i++)
                {
                    if (rank[i] >= d1 - remainderSum)
                    {
                        rem0[i] -= d1;
                        rank[i] += remainderSum - d1;
                    }
                    else
                    {
                        rank[i] += remainderSum;
                    }
                }
            }
            else if (remainderSum < 0)
            {
                for (int i = 0; i < d1; i++)
                {
                    if (rank[i] < -remainderSum)
                    {
                        rem0[i] += d1;
                        rank[i] += d1 + remainderSum;
                    }
                    else
                    {
                        rank[i] += remainderSum;
                    }
                }
            }

            Array.Clear(barycentric);
            for (int i = 0; i < d1; i++)
            {
                double v = (elevated[i] - rem0[i]) / d1;
                barycentric[d - rank[i]] += v;
                barycentric[d1 - rank[i]] -= v;
            }
            barycentric[0] += 1.0 + barycentric[d1];

            for (int r = 0; r < d1; r++)
            {
                for (int i = 0; i < d; i++)
                {
                    key[i] = rem0[i] + (rank[i] <= d - r ? r : r - d1);
                }
                _vertex[p * d1 + r] = table.FindOrInsert(key);
                _weight[p * d1 + r] = (float)barycentric[r];
            }
        }

        _latticeSize = table.Count;
        _neighbours = new int[d1 * _latticeSize * 2];
        var up1 = new int[d];
        var down1 = new int[d];
        for (int j = 0; j < d1; j++)
        {
            for (int v = 0; v < _latticeSize; v++)
            {
                ReadOnlySpan<int> k = table.Key(v);
                for (int i = 0; i < d; i++)
                {
                    up1[i] = k[i] - 1;
                    down1[i] = k[i] + 1;
                }
                if (j < d)
                {
                    up1[j] = k[j] + d;
                    down1[j] = k[j] - d;
                }
                _neighbours[(j * _latticeSize + v) * 2] = table.Find(up1);
                _neighbours[(j * _latticeSize + v) * 2 + 1] = table.Find(down1);
            }
        }
    }

    /// <summary>Number of lattice points (at most points*(d+1)).</summary>
    public int LatticeSize => _latticeSize;

    /// <summary>
    /// Filters <paramref name="channels"/> values per point (input and output row-major,
    /// points*channels): output_i ~ sum_j k(f_i, f_j) input_j, the point itself included.
    /// </summary>
    public void Filter(ReadOnlySpan<float> input, Span<float> output, int channels)
    {
        if (channels < 1 || input.Length != _points * channels || output.Length != _points * channels)
        {
            throw new ArgumentException($"expected {_points}x{channels} input and output values");
        }
        int d1 = _d + 1;
        var values = new float[_latticeSize * channels];
        var scratch = new float[_latticeSize * channels];

        for (int p = 0; p < _points; p++)
        {
            for (int r = 0; r < d1; r++)
            {
                int v = _vertex[p * d1 + r];
                float w = _weight[p * d1 + r];
                for (int c = 0; c < channels; c++)
                {
                    values[v * channels + c] += w * input[p * channels + c];
                }
            }
        }

        for (int j = 0; j < d1; j++)
        {
            for (int v = 0; v < _latticeSize; v++)
            {
                int a = _neighbours[(j * _latticeSize + v) * 2];
                int b = _neighbours[(j * _latticeSize + v) * 2 + 1];
                for (int c = 0; c < channels; c++)
                {
                    float sum = 0.5f * values[v * channels + c];
                    if (a >= 0)
                    {
                        sum += 0.25f * values[a * channels + c];
                    }
                    if (b >= 0)
                    {
                        sum += 0.25f * values[b * channels + c];
                    }
                    scratch[v * channels + c] = sum;
                }
            }
            (values, scratch) = (scratch, values);
        }

        for (int p = 0; p < _points; p++)
        {
            for (int c = 0; c < channels; c++)
            {
                float sum = 0;
                for (int r = 0; r < d1; r++)
                {
                    sum += _weight[p * d1 + r] * values[_vertex[p * d1 + r] * channels + c];
                }
                output[p * channels + c] = sum;
            }
        }
    }

    /// <summary>Open-addressing hash table from d-int keys to dense indices.</summary>
    private sealed class KeyTable
    {
        private readonly int _d;
        private int[] _slots;
        private int[] _keys;
        private int _count;

        public KeyTable(int d, int expected)
        {
            _d = d;
            int capacity = 16;
            while (capacity < expected * 2)
            {
                capacity <<= 1;
            }
            _slots = new int[capacity];
            Array.Fill(_slots, -1);
            _keys = new int[expected * d];
        }

        public int Count => _count;

        public ReadOnlySpan<int> Key(int index) => _keys.AsSpan(index * _d, _d);

        public int Find(ReadOnlySpan<int> key)
        {
            int mask = _slots.Length - 1;
            for (int h = Hash(key) & mask; ; h = (h + 1) & mask)
            {
                int index = _slots[h];
                if (index < 0)
                {
                    return -1;
                }
                if (Key(index).SequenceEqual(key))
                {
                    return index;
                }
            }
        }

        public int FindOrInsert(ReadOnlySpan<int> key)
        {
            if ((_count + 1) * 2 > _slots.Length)
            {
                Grow();
            }
            int mask = _slots.Length - 1;
            for (int h = Hash(key) & mask; ; h = (h + 1) & mask)
            {
                int index = _slots[h];
                if (index < 0)
                {
                    if ((_count + 1) * _d > _keys.Length)
                    {
                        Array.Resize(ref _keys, Math.Max(_keys.Length * 2, (_count + 1) * _d));
                    }
                    key.CopyTo(_keys.AsSpan(_count * _d, _d));
                    _slots[h] = _count;
                    return _count++;
                }
                if (Key(index).SequenceEqual(key))
                {
                    return index;
                }
            }
        }

        private void Grow()
        {
            var slots = new int[_slots.Length * 2];
            Array.Fill(slots, -1);
            int mask = slots.Length - 1;
            for (int index = 0; index < _count; index++)
            {
                int h = Hash(Key(index)) & mask;
                while (slots[h] >= 0)
                {
                    h = (h + 1) & mask;
                }
                slots[h] = index;
            }
            _slots = slots;
        }

        private static int Hash(ReadOnlySpan<int> key)
        {
            uint h = 2166136261;
            foreach (int k in key)
            {
                h = (h ^ (uint)k) * 16777619;
            }
            return (int)(h ^ (h >> 15));
        }
    }
}
