using System.Text;

namespace GazeInsight.Imaging.IO;

/// <summary>
/// Whole-file writes that a reader (or an interrupted run) never sees half done: the content is
/// written to a temporary file beside the target and renamed over it. The one place every writer
/// of the project (images, .npy, descriptions, manifests, prepared data sets) goes through.
/// </summary>
public static class AtomicFile
{
    /// <summary>Creates <paramref name="path"/> (and its folder) from what <paramref name="write"/> puts in the stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        var temp = Path.Combine(dir ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
            }

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

    /// <summary>Writes UTF-8 text (no BOM).</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            var bytes = new UTF8Encoding(false).GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
        });

    /// <summary>Copies <paramref name="source"/> to <paramref name="path"/>.</summary>
    public static void Copy(string source, string path) =>
        Write(path, stream =>
        {
            using var input = File.OpenRead(source);
            input.CopyTo(stream);
        });
}
