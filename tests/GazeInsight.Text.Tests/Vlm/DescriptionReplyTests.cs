using GazeInsight.Text.Vlm;

namespace GazeInsight.Text.Tests.Vlm;

public sealed class DescriptionReplyTests
{
    private static string Reply(string location = "lower right", string area = "7%", string confidence = "Medium", string extra = "") =>
        $"{{\"Location\": \"{location}\", \"Boundary\": \"Irregular\", \"Characteristics\": \" dark red colour, granular texture \", "
        + $"\"Area Percentage\": \"{area}\", \"Confidence\": \"{confidence}\", \"Remarks\": \"No other abnormal regions.\"{extra}}}";

    [Fact]
    public void Accepts_a_valid_reply_and_normalises_spelling()
    {
        var (d, problem) = DescriptionReply.Parse("img7", "Here you go:\n" + Reply(location: "Lower Right") + "\nThanks");

        Assert.Null(problem);
        Assert.Equal("img7", d!.Id);
        Assert.Equal(("lower right", "irregular", "medium"), (d.Location, d.Boundary, d.Confidence));
        Assert.Equal("dark red colour, granular texture", d.Characteristics);
    }

    [Theory]
    [InlineData("12%", "12%")]
    [InlineData(" 3.4 % ", "3%")]
    [InlineData("<1%", "<1%")]
    [InlineData("10-20%", "15%")]
    [InlineData("100%", "100%")]
    public void Reads_area_percentages(string area, string expected)
    {
        var (d, problem) = DescriptionReply.Parse("x", Reply(area: area));

        Assert.Null(problem);
        Assert.Equal(expected, d!.AreaPercentage);
    }

    [Theory]
    [InlineData("", "empty reply")]
    [InlineData("I cannot help with that.", "no JSON object")]
    [InlineData("{\"Location\": }", "not valid JSON")]
    public void Rejects_replies_without_a_json_object(string content, string expected)
    {
        var (d, problem) = DescriptionReply.Parse("x", content);

        Assert.Null(d);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Rejects_values_outside_the_schema()
    {
        Assert.Contains("'Location' is \"left side\"", DescriptionReply.Parse("x", Reply(location: "left side")).Problem);
        Assert.Contains("'Confidence' is \"certain\"", DescriptionReply.Parse("x", Reply(confidence: "certain")).Problem);
        Assert.Contains("'Area Percentage' is \"150%\"", DescriptionReply.Parse("x", Reply(area: "150%")).Problem);
        Assert.Contains("unexpected key 'Diagnosis'", DescriptionReply.Parse("x", Reply(extra: ", \"Diagnosis\": \"adenoma\"")).Problem);
        Assert.Contains("missing key 'Remarks'", DescriptionReply.Parse("x", Reply().Replace(", \"Remarks\": \"No other abnormal regions.\"", "")).Problem);
        Assert.Contains("expected a string", DescriptionReply.Parse("x", Reply().Replace("\"7%\"", "7")).Problem);
    }
}
