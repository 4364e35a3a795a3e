using GazeInsight.Imaging;
using GazeInsight.Imaging.Data;
using GazeInsight.Text.Descriptions;

namespace GazeInsight.Text.Tests.Descriptions;

public sealed class DescriptionFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly LesionDescription Sample = new("case_01", "upper left", "well-defined",
        "reddish colour, smooth texture", "12%", "high", "No other abnormal regions.");

    [Fact]
    public void Writes_and_reads_back_the_agreed_keys()
    {
        var path = _dir.File("text/descriptions.jsonl");

        DescriptionFile.Write(path, [Sample, Sample with { Id = "case_02", Remarks = "Zwei Bereiche – ähnlich." }]);

        var lines = File.ReadAllLines(path);
        Assert.Equal("{\"id\":\"case_01\",\"Location\":\"upper left\",\"Boundary\":\"well-defined\",\"Characteristics\":\"reddish colour, smooth texture\",\"Area Percentage\":\"12%\",\"Confidence\":\"high\",\"Remarks\":\"No other abnormal regions.\"}", lines[0]);
        Assert.Equal([Sample, Sample with { Id = "case_02", Remarks = "Zwei Bereiche – ähnlich." }], DescriptionFile.Read(path));
    }

    [Fact]
    public void Reports_the_line_and_problem_and_counts_the_rest()
    {
        var path = _dir.Write("d.jsonl",
            DescriptionFile.FormatLine(Sample) + "\n\n"
            + "{\"id\":\"b\",\"Location\":\"x\"}\n"
            + "not json\n"
            + DescriptionFile.FormatLine(Sample) + "\n");

        var e = Assert.Throws<InvalidInputException>(() => DescriptionFile.Read(path));

        Assert.Equal(path + ":line 3: missing keys 'Boundary', 'Characteristics', 'Area Percentage', 'Confidence', 'Remarks' (and 2 more problems in this file)", e.Message);
        var (ok, problems) = DescriptionFile.ReadAll(path);
        Assert.Single(ok);
        Assert.Equal(["line 3", "line 4", "line 5"], problems.Select(p => p.Place));
        Assert.Contains("duplicate id 'case_01' (first on line 1)", problems[2].Message);
    }

    [Theory]
    [InlineData("{\"id\":\"a\",\"Location\":\"l\",\"Boundary\":\"b\",\"Characteristics\":\"c\",\"Area Percentage\":3,\"Confidence\":\"c\",\"Remarks\":\"r\"}", "key 'Area Percentage': expected a string, got Number")]
    [InlineData("{\"id\":\"a\",\"Location\":\"l\",\"Boundary\":\"b\",\"Characteristics\":\"c\",\"Area Percentage\":\"3%\",\"Confidence\":\"c\",\"Remarks\":\"r\",\"Extra\":\"e\"}", "unexpected key 'Extra'")]
    [InlineData("{\"id\":\"../a\",\"Location\":\"l\",\"Boundary\":\"b\",\"Characteristics\":\"c\",\"Area Percentage\":\"3%\",\"Confidence\":\"c\",\"Remarks\":\"r\"}", "cannot be a file name")]
    [InlineData("[1, 2]", "expected a JSON object, got Array")]
    public void Rejects_bad_lines(string line, string expected)
    {
        var (d, problem) = DescriptionFile.ParseLine(line);

        Assert.Null(d);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Missing_file_is_an_input_error()
    {
        var path = _dir.File("none.jsonl");

        Assert.Equal(path + ": file not found", Assert.Throws<InvalidInputException>(() => DescriptionFile.Read(path)).Message);
    }

    [Fact]
    public void Renders_fields_in_fixed_order_and_wording()
    {
        var text = DescriptionText.Render(Sample with { Characteristics = "  reddish   colour,\nsmooth texture " });

        Assert.Equal("Location: upper left. Boundary: well-defined. Characteristics: reddish colour, smooth texture. Area Percentage: 12%. Confidence: high. Remarks: No other abnormal regions.", text);
        Assert.Equal(DescriptionText.Hash(text), DescriptionText.Hash(DescriptionText.Render(Sample)));
        Assert.NotEqual(DescriptionText.Hash(text), DescriptionText.Hash(DescriptionText.Render(Sample with { Confidence = "low" })));
        Assert.Equal(64, DescriptionText.Hash(text).Length);
    }
}
