namespace GazeInsight.Imaging.Tests.IO;

/// <summary>PNG's CRC-32 (reflected polynomial 0xEDB88320), to forge headers in tests.</summary>
internal static class Crc32
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
