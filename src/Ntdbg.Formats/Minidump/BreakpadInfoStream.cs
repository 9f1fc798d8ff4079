using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>
/// Breakpad's MDRawBreakpadInfo (0x47670001): which thread wrote the dump and which one asked for it.
/// Validity bit 0: dump thread id valid; bit 1: requesting thread id valid.
/// </summary>
public sealed record BreakpadInfo(uint Validity, uint DumpThreadId, uint RequestingThreadId)
{
    public const int Size = 12;
    public uint? DumpThread => (Validity & 1) != 0 ? DumpThreadId : null;
    public uint? RequestingThread => (Validity & 2) != 0 ? RequestingThreadId : null;

    public static BreakpadInfo? Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (!body.Has(Size) || body.DeclaredSize < Size) return null;
        return new BreakpadInfo(Le.U32(body.Data, 0), Le.U32(body.Data, 4), Le.U32(body.Data, 8));
    }
}
