namespace GazeInsight.Imaging.IO;

/// <summary>
/// One top-level DICOM data element as found in a file: its tag, VR (explicit, or implied for
/// the tags we know), and where its value lies in the (possibly inflated) byte buffer.
/// </summary>
/// <param name="Tag">group &lt;&lt; 16 | element.</param>
/// <param name="VR">two-letter value representation; "??" for an implicit tag we do not know.</param>
/// <param name="Offset">value start in the buffer.</param>
/// <param name="Length">value length in bytes (undefined-length values are not kept).</param>
public readonly record struct DicomElement(uint Tag, string VR, int Offset, int Length)
{
    /// <summary>The tag as DICOM prints it, <c>(gggg,eeee)</c>.</summary>
    public string TagText => FormatTag(Tag);

    /// <summary><c>(gggg,eeee)</c> for a tag.</summary>
    public static string FormatTag(uint tag) => $"({tag >> 16:X4},{tag & 0xFFFF:X4})";
}
