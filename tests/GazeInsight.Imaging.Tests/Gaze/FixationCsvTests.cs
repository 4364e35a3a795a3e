using System.Text;
using GazeInsight.Imaging.Gaze;

namespace GazeInsight.Imaging.Tests.Gaze;

public class FixationCsvTests
{
    private const string Header = "IMAGE,CURRENT_FIX_INDEX,CURRENT_FIX_X,CURRENT_FIX_Y,CURRENT_FIX_DURATION,CURRENT_FIX_PUPIL,CURRENT_FIX_START,IMAGE_HEIGHT,IMAGE_WIDTH";

    private static FixationTable Parse(string text) => FixationCsv.Parse("g.csv", Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Written_fixations_read_back_identically()
    {
        Fixation[] fixations =
        [
            new("a.jpg", 1, 0.125, 0.5, 230, 1012, 200, 480, 640),
            new("b,odd.jpg", 2, 0.999999, 0, 51, 990.5, 480.25, 10, 20),
        ];
        var writer = new StringWriter();
        FixationCsv.Write(writer, fixations);
        FixationTable table = Parse(writer.ToString());
        Assert.Empty(table.Issues);
        Assert.Equal(fixations, table.Rows.Select(r => r.Fixation));
        Assert.Equal(new[] { 2, 3 }, table.Rows.Select(r => r.Line));
    }

    [Fact]
    public void Bad_rows_are_skipped_with_their_line_numbers()
    {
        string text = string.Join("\n",
            Header,
            "a.jpg,1,0.5,0.5,200,1000,0,100,100",
            "a.jpg,2,1.5,0.5,200,1000,0,100,100",
            "",
            "a.jpg,3,0.5,abc,200,1000,0,100,100",
            "a.jpg,4,0.5,0.5,0,1000,0,100,100",
            "a.jpg,5,0.5",
            "a.jpg,0.5,0.5,0.5,200,1000,0,100,100",
            "b.jpg,1,0.2,0.3,100,1000,0,100,100") + "\n";
        FixationTable table = Parse(text);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(7, table.RowCount);
        Assert.Equal(new[] { 3, 5, 6, 7, 8 }, table.Issues.Select(i => i.Line));
        Assert.Contains("CURRENT_FIX_X 1.5 is outside the image", table.Issues[0].Problem);
        Assert.Contains("CURRENT_FIX_Y is not a number: 'abc'", table.Issues[1].Problem);
        Assert.Equal("g.csv:line 3: CURRENT_FIX_X 1.5 is outside the image (expected 0..1)", table.Issues[0].Format("g.csv"));
    }

    [Fact]
    public void Columns_are_found_by_name_in_any_order_and_crlf_and_bom_are_accepted()
    {
        string text = "\uFEFFIMAGE_WIDTH,IMAGE_HEIGHT,EXTRA,CURRENT_FIX_START,CURRENT_FIX_PUPIL,CURRENT_FIX_DURATION,CURRENT_FIX_Y,CURRENT_FIX_X,CURRENT_FIX_INDEX,IMAGE\r\n"
            + "640,480,x,10,999,300,0.25,0.75,2,\"c.jpg\"\r\n";
        FixationTable table = Parse(text);
        Assert.Empty(table.Issues);
        Assert.Equal(new Fixation("c.jpg", 2, 0.75, 0.25, 300, 999, 10, 480, 640), table.Rows.Single().Fixation);
    }

    [Fact]
    public void A_missing_column_is_a_one_line_error_naming_the_header_line()
    {
        var e = Assert.Throws<InvalidInputException>(() => Parse("\n" + Header.Replace(",CURRENT_FIX_PUPIL", "") + "\n"));
        Assert.Equal("g.csv:line 2: missing column(s) CURRENT_FIX_PUPIL in the header", e.Message);
    }

    [Fact]
    public void Invalid_utf8_names_the_line()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes(Header + "\na.jpg,1,0.5,0.5,200,1000,0,100,100\n"), 0xC3, 0x28, (byte)'\n'];
        var e = Assert.Throws<InvalidInputException>(() => FixationCsv.Parse("g.csv", bytes));
        Assert.Equal("g.csv:line 3: not valid UTF-8 text", e.Message);
    }

    [Fact]
    public void An_empty_file_is_an_error() =>
        Assert.Contains("the file is empty", Assert.Throws<InvalidInputException>(() => Parse(" \n")).Message);

    [Fact]
    public void Grouping_keeps_first_appearance_order_and_sorts_by_fixation_index()
    {
        FixationTable table = Parse(string.Join("\n",
            Header,
            "b.jpg,2,0.5,0.5,200,1000,300,100,100",
            "a.jpg,1,0.5,0.5,200,1000,0,100,100",
            "b.jpg,1,0.5,0.5,200,1000,0,100,100"));
        var groups = table.ByImage();
        Assert.Equal(new[] { "b.jpg", "a.jpg" }, groups.Select(g => g.Key));
        Assert.Equal(new[] { 1, 2 }, groups[0].Value.Select(r => r.Fixation.Index));
    }
}
