using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Tests.IO;

/// <summary>
/// Mutates real files (bit flips, special bytes, cuts, repeated and deleted runs) and checks that
/// each reader either succeeds or throws <see cref="InvalidInputException"/>: never an index,
/// overflow, argument or out-of-memory error, never a hang.
/// </summary>
public sealed class FuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // GI_FUZZ_MUTATIONS raises the count for a longer local run; the suite uses 300 per file.
    public static readonly int MutationsPerFile =
        int.TryParse(Environment.GetEnvironmentVariable("GI_FUZZ_MUTATIONS"), out var n) && n > 0 ? n : 300;

    private static byte[] Mutate(byte[] src, Random rng)
    {
        var b = (byte[])src.Clone();
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits && b.Length > 0; e++)
        {
            int at = rng.Next(b.Length);
            switch (rng.Next(7))
            {
                case 0: b[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: b[at] = (byte)rng.Next(256); break;
                case 2: b[at] = new byte[] { 0x00, 0xFF, 0x7F, 0x80, 0xFE }[rng.Next(5)]; break;
                case 3: b = b[..at]; break;
                case 4:
                    {
                        // four bytes set to a boundary value, where lengths and sizes live
                        int v = new[] { 0, -1, int.MaxValue, int.MinValue, 0x10000, 0x7FFF }[rng.Next(6)];
                        for (int k = 0; k < 4 && at + k < b.Length; k++) b[at + k] = (byte)(v >> (8 * k));
                        break;
                    }
                case 5:
                    {
                        int len = Math.Min(1 + rng.Next(64), b.Length - at);
                        b = [.. b[..at], .. b[(at + len)..]];
                        break;
                    }
                default:
                    {
                        int len = Math.Min(1 + rng.Next(64), b.Length - at);
                        b = [.. b[..(at + len)], .. b[at..]];
                        break;
                    }
            }
        }
        return b;
    }

    private void Run(string file, byte[] original, Func<byte[], object> read, int seed)
    {
        var (ok, invalid) = Run(original, read, seed);
        output.WriteLine($"{file}: {MutationsPerFile} mutations, {ok} read, {invalid} rejected as invalid input");
    }

    private static (int Ok, int Invalid) Run(byte[] original, Func<byte[], object> read, int seed)
    {
        var rng = new Random(seed);
        int ok = 0, invalid = 0;
        for (int i = 0; i < MutationsPerFile; i++)
        {
            var m = Mutate(original, rng);
            var ex = Record.Exception(() => read(m));
            if (ex is null) ok++;
            else if (ex is InvalidInputException iie)
            {
                Assert.DoesNotContain('\n', iie.Message);
                Assert.StartsWith("fuzz:", iie.Message);
                invalid++;
            }
            else Assert.Fail($"mutation {i} (seed {seed}) threw {ex.GetType().Name}: {ex.Message}");
        }
        // The mutations must actually reach the error paths, or the test proves nothing.
        Assert.True(invalid > MutationsPerFile / 10, $"only {invalid} of {MutationsPerFile} mutations were rejected");
        return (ok, invalid);
    }

    [Theory]
    [InlineData("raster", "gray_libpng.png")]
    [InlineData("raster", "color_libpng.png")]
    [InlineData("raster", "gray_progressive_cjpeg.jpg")]
    [InlineData("raster", "color_cjpeg.jpg")]
    public void Png_and_jpeg_mutations_fail_only_as_invalid_input(string dir, string file)
    {
        var bytes = File.ReadAllBytes(TestFiles.Path(dir, file));
        Run(file, bytes, b => ImageFile.Decode("fuzz", b), seed: file.Length);
    }

    [Theory]
    [InlineData("MR_small.dcm")]
    [InlineData("MR_small_implicit.dcm")]
    [InlineData("MR_small_bigendian.dcm")]
    [InlineData("CT_small.dcm")]
    public void Dicom_mutations_fail_only_as_invalid_input(string file)
    {
        var bytes = File.ReadAllBytes(TestFiles.Path("dicom", file));
        Run(file, bytes, b => DicomFile.Parse("fuzz", b), seed: file.Length);
    }

    [Theory]
    [InlineData("labels_gzip_lps.nrrd")]
    [InlineData("labels_raw_spacings.nrrd")]
    [InlineData("short_be_gzip.nrrd")]
    [InlineData("short_ascii.nrrd")]
    public void Nrrd_mutations_fail_only_as_invalid_input(string file)
    {
        var bytes = File.ReadAllBytes(TestFiles.Path("nrrd", file));
        Run(file, bytes, b => NrrdFile.Parse("fuzz", b), seed: file.Length);
    }
}
