namespace GazeInsight.Imaging.Tests.IO;

/// <summary>Locates the committed sample files (tests/GazeInsight.Imaging.Tests/IO/TestData) from the test binary.</summary>
internal static class TestFiles
{
    public static string Dir(string sub)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null)
        {
            var candidate = System.IO.Path.Combine(d.FullName, "tests", "GazeInsight.Imaging.Tests", "IO", "TestData", sub);
            if (Directory.Exists(candidate)) return candidate;
            d = d.Parent;
        }
        throw new DirectoryNotFoundException($"test data folder '{sub}' not found above {AppContext.BaseDirectory}");
    }

    public static string Path(string sub, string name) => System.IO.Path.Combine(Dir(sub), name);
}
