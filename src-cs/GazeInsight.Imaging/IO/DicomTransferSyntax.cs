namespace GazeInsight.Imaging.IO;

/// <summary>DICOM transfer syntaxes: which ones we decode and the names of those we refuse.</summary>
public static class DicomTransferSyntax
{
    public const string ImplicitVRLittleEndian = "1.2.840.10008.1.2";
    public const string ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";
    public const string DeflatedExplicitVRLittleEndian = "1.2.840.10008.1.2.1.99";
    public const string ExplicitVRBigEndian = "1.2.840.10008.1.2.2";

    /// <summary>Whether the reader decodes this transfer syntax (all uncompressed ones, plus deflate).</summary>
    public static bool IsSupported(string uid) =>
        uid is ImplicitVRLittleEndian or ExplicitVRLittleEndian or DeflatedExplicitVRLittleEndian or ExplicitVRBigEndian;

    /// <summary>A readable name for a transfer syntax UID; null when the UID is not one we know.</summary>
    public static string? NameOf(string uid) => uid switch
    {
        ImplicitVRLittleEndian => "Implicit VR Little Endian",
        ExplicitVRLittleEndian => "Explicit VR Little Endian",
        DeflatedExplicitVRLittleEndian => "Deflated Explicit VR Little Endian",
        ExplicitVRBigEndian => "Explicit VR Big Endian",
        "1.2.840.10008.1.2.4.50" => "JPEG Baseline (Process 1)",
        "1.2.840.10008.1.2.4.51" => "JPEG Extended (Process 2 & 4)",
        "1.2.840.10008.1.2.4.57" => "JPEG Lossless, Non-Hierarchical (Process 14)",
        "1.2.840.10008.1.2.4.70" => "JPEG Lossless, First-Order Prediction (Process 14 SV1)",
        "1.2.840.10008.1.2.4.80" => "JPEG-LS Lossless",
        "1.2.840.10008.1.2.4.81" => "JPEG-LS Near-Lossless",
        "1.2.840.10008.1.2.4.90" => "JPEG 2000 (Lossless Only)",
        "1.2.840.10008.1.2.4.91" => "JPEG 2000",
        "1.2.840.10008.1.2.4.92" => "JPEG 2000 Part 2 Multi-component (Lossless Only)",
        "1.2.840.10008.1.2.4.93" => "JPEG 2000 Part 2 Multi-component",
        "1.2.840.10008.1.2.4.94" => "JPIP Referenced",
        "1.2.840.10008.1.2.4.100" => "MPEG2 Main Profile / Main Level",
        "1.2.840.10008.1.2.4.102" => "MPEG-4 AVC/H.264 High Profile",
        "1.2.840.10008.1.2.4.201" => "High-Throughput JPEG 2000 (Lossless Only)",
        "1.2.840.10008.1.2.4.202" => "High-Throughput JPEG 2000 with RPCL Options (Lossless Only)",
        "1.2.840.10008.1.2.4.203" => "High-Throughput JPEG 2000",
        "1.2.840.10008.1.2.5" => "RLE Lossless",
        _ => null,
    };

    /// <summary><c>UID (name)</c>, or the UID alone when unknown.</summary>
    public static string Describe(string uid) => NameOf(uid) is { } n ? $"{uid} ({n})" : uid;
}
