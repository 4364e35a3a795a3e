using GazeInsight.Imaging.Gaze;

namespace GazeInsight.Imaging.Tests.Gaze;

public class GazeImageMatcherTests
{
    private readonly GazeImageMatcher _matcher = new(["cju0qkwl35piu0993l0dewei2", "Case01_12", "ProstateDx-01-0055_3", "x.y"]);

    [Theory]
    [InlineData("cju0qkwl35piu0993l0dewei2.jpg", "cju0qkwl35piu0993l0dewei2")] // Kvasir
    [InlineData("Case01_12.jpg", "Case01_12")] // NCI-ISBI: .jpg in the CSV, .dcm/.png on disk
    [InlineData("ProstateDx-01-0055_3.jpg", "ProstateDx-01-0055_3")]
    [InlineData("images/case01_12.JPG", "Case01_12")] // folder and case ignored
    [InlineData("x.y", "x.y")] // an id containing a dot
    [InlineData("x.y.png", "x.y")]
    public void Names_match_ids_by_stem(string image, string id) => Assert.Equal(id, _matcher.Match(image));

    [Fact]
    public void Unknown_names_do_not_match() => Assert.Null(_matcher.Match("Case01_13.jpg"));

    [Fact]
    public void Ids_differing_only_in_case_are_matched_exactly_or_not_at_all()
    {
        var matcher = new GazeImageMatcher(["a", "A"]);
        Assert.Equal("A", matcher.Match("A.jpg"));
        Assert.Null(new GazeImageMatcher(["ab", "AB"]).Match("Ab.jpg"));
    }
}
