using GazeInsight.Imaging;
using GazeInsight.Imaging.IO;
using GazeInsight.Text.Embeddings;

namespace GazeInsight.Text.Tests.Embeddings;

public sealed class EmbeddingStoreTests : IDisposable
{
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    private static float[] Ramp(int n, float start = 0) => Enumerable.Range(0, n).Select(i => start + i).ToArray();

    [Fact]
    public void Loads_l_by_d_and_1_by_l_by_d_files_of_any_d()
    {
        NpyFile.WriteFloat32(_root.File("embeddings/ours.npy"), Ramp(3 * 384), [3, 384]);
        NpyFile.WriteFloat32(_root.File("embeddings/authors.npy"), Ramp(2 * 768), [1, 2, 768]);
        var store = new EmbeddingStore(_root.Path);

        var ours = store.Load("ours");
        var authors = store.Load("authors");

        Assert.Equal((3, 384), (ours.Length, ours.Dimension));
        Assert.Equal((2, 768), (authors.Length, authors.Dimension));
        Assert.Equal(1535f, authors.Values[^1]);
        Assert.Equal("ours", ours.Id);
    }

    [Fact]
    public void Converts_float64_files()
    {
        var bytes = new byte[2 * 8];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), 0.25);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), -4.0);
        NpyFile.Write(_root.File("embeddings/f8.npy"), new NpyArray(NpyDType.Float64, [1, 2], bytes));

        Assert.Equal([0.25f, -4f], new EmbeddingStore(_root.Path).Load("f8").Values);
    }

    [Fact]
    public void Rejects_missing_files_bad_shapes_and_non_finite_values()
    {
        var store = new EmbeddingStore(_root.Path);
        NpyFile.WriteFloat32(_root.File("embeddings/flat.npy"), Ramp(4), [4]);
        NpyFile.WriteFloat32(_root.File("embeddings/batch2.npy"), Ramp(8), [2, 2, 2]);
        NpyFile.WriteFloat32(_root.File("embeddings/empty.npy"), [], [0, 384]);
        NpyFile.WriteFloat32(_root.File("embeddings/nan.npy"), [1f, float.NaN, 3f, 4f], [2, 2]);

        Assert.Equal(store.PathOf("gone") + ": file not found", Assert.Throws<InvalidInputException>(() => store.Load("gone")).Message);
        Assert.Equal(store.PathOf("flat") + ":shape: expected (L, D) or (1, L, D) token embeddings, got (4)",
            Assert.Throws<InvalidInputException>(() => store.Load("flat")).Message);
        Assert.Contains("got (2, 2, 2)", Assert.Throws<InvalidInputException>(() => store.Load("batch2")).Message);
        Assert.Contains("L and D must be at least 1", Assert.Throws<InvalidInputException>(() => store.Load("empty")).Message);
        Assert.Equal(store.PathOf("nan") + ":token 0, dim 1: non-finite value NaN", Assert.Throws<InvalidInputException>(() => store.Load("nan")).Message);
        Assert.Throws<ArgumentException>(() => store.PathOf("../escape"));
    }

    [Fact]
    public void Pads_to_the_longest_with_a_validity_mask()
    {
        NpyFile.WriteFloat32(_root.File("embeddings/a.npy"), Ramp(2 * 3, 1), [2, 3]);
        NpyFile.WriteFloat32(_root.File("embeddings/b.npy"), Ramp(4 * 3, 100), [1, 4, 3]);

        var p = new EmbeddingStore(_root.Path).LoadPadded(["a", "b"]);

        Assert.Equal((2, 4, 3), (p.Count, p.Length, p.Dimension));
        Assert.Equal([2, 4], p.Lengths);
        Assert.Equal([true, true, false, false, true, true, true, true], p.Valid);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0], p.Values[..12]);
        Assert.Equal(100f, p.Values[12]);
        Assert.Equal(2 * 4 * 3, p.Values.Length);
    }

    [Fact]
    public void Caps_the_length_when_asked()
    {
        NpyFile.WriteFloat32(_root.File("embeddings/b.npy"), Ramp(4 * 3), [4, 3]);

        var p = new EmbeddingStore(_root.Path).LoadPadded(["b"], maxLength: 2);

        Assert.Equal((2, 2), (p.Length, p.Lengths[0]));
        Assert.Equal([0f, 1, 2, 3, 4, 5], p.Values);
    }

    [Fact]
    public void Different_d_in_one_data_set_is_an_error_and_verify_lists_every_problem()
    {
        NpyFile.WriteFloat32(_root.File("embeddings/a.npy"), Ramp(384), [1, 384]);
        NpyFile.WriteFloat32(_root.File("embeddings/b.npy"), Ramp(768), [1, 768]);
        var store = new EmbeddingStore(_root.Path);

        var e = Assert.Throws<InvalidInputException>(() => store.LoadPadded(["a", "b"]));
        var problems = store.Verify(["a", "b", "c"]);

        Assert.Contains("D = 768, but 'a' has D = 384", e.Message);
        Assert.Equal(2, problems.Count);
        Assert.Contains("D = 768", problems[0]);
        Assert.EndsWith("c.npy: file not found", problems[1]);
    }
}
