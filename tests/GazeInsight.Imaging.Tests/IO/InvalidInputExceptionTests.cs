namespace GazeInsight.Imaging.Tests.IO;

public sealed class InvalidInputExceptionTests
{
    [Fact]
    public void Formats_file_place_problem_on_one_line()
    {
        var ex = new InvalidInputException("a/b.csv", "line 3", "bad value\n'x'");
        Assert.Equal("a/b.csv:line 3: bad value 'x'", ex.Message);
        Assert.Equal(("a/b.csv", "line 3", "bad value\n'x'"), (ex.File, ex.Place, ex.Problem));
        Assert.Equal("a/b.csv: empty", new InvalidInputException("a/b.csv", null, "empty").Message);
    }
}
