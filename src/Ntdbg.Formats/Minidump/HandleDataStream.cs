using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_HANDLE_DESCRIPTOR (32 bytes) or _2 (40 bytes, adds ObjectInfoRva), names resolved.</summary>
public sealed record MinidumpHandle(ulong Handle, uint TypeNameRva, uint ObjectNameRva, uint Attributes, uint GrantedAccess,
    uint HandleCount, uint PointerCount, uint ObjectInfoRva)
{
    public const int Size = 32;
    public const int Size2 = 40;

    public string? TypeName { get; init; }
    public string? ObjectName { get; init; }

    public static MinidumpHandle Read(ReadOnlySpan<byte> s) => new(Le.U64(s, 0), Le.U32(s, 8), Le.U32(s, 12), Le.U32(s, 16),
        Le.U32(s, 20), Le.U32(s, 24), Le.U32(s, 28), s.Length >= Size2 ? Le.U32(s, 32) : 0);
}

/// <summary>HandleDataStream (12): SizeOfHeader, SizeOfDescriptor, NumberOfDescriptors, Reserved, then descriptors.</summary>
public static class HandleDataStream
{
    public static IReadOnlyList<MinidumpHandle> Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var raw = SizedTable.Read(dump, entry, headerMin: 16, countIs64: false, MinidumpHandle.Size, Limits.MaxHandles,
            "handle data", MinidumpHandle.Read);
        var list = new List<MinidumpHandle>(raw.Count);
        foreach (var h in raw)
            list.Add(h with
            {
                TypeName = dump.ReadString(h.TypeNameRva, $"type name of handle 0x{h.Handle:x}"),
                ObjectName = dump.ReadString(h.ObjectNameRva, $"object name of handle 0x{h.Handle:x}"),
            });
        return list;
    }
}
