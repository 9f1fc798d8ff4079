using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_DIRECTORY: one stream's type and location.</summary>
public sealed record MinidumpDirectoryEntry(int Index, uint StreamType, MinidumpLocation Location)
{
    public const int Size = 12;

    public MinidumpStreamType Type => (MinidumpStreamType)StreamType;
    public string TypeName => MinidumpStreamTypeNames.Describe(StreamType);

    public static MinidumpDirectoryEntry Read(int index, ReadOnlySpan<byte> s) =>
        new(index, Le.U32(s, 0), MinidumpLocation.Read(s, 4));
}
