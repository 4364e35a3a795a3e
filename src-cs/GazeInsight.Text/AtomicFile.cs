using System.Text;

namespace GazeInsight.Text;

/// <summary>Whole-file writes that a reader (or an interrupted run) never sees half done.</summary>
public static class AtomicFile
{
    /// <summary>Writes UTF-8 text (no BOM) next to <paramref name="path"/> and renames it over the target.</summary>
    public static void WriteAllText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        var temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
