using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_UNLOADED_MODULE (24 bytes) with its name resolved.</summary>
public sealed record MinidumpUnloadedModule(ulong BaseOfImage, uint SizeOfImage, uint CheckSum, uint TimeDateStamp, uint ModuleNameRva)
{
    public const int Size = 24;
    public string Name { get; init; } = "";

    public static MinidumpUnloadedModule Read(ReadOnlySpan<byte> s) =>
        new(Le.U64(s, 0), Le.U32(s, 8), Le.U32(s, 12), Le.U32(s, 16), Le.U32(s, 20));
}

/// <summary>UnloadedModuleListStream (14): SizeOfHeader, SizeOfEntry, u32 count, then entries.</summary>
public static class UnloadedModuleListStream
{
    public static IReadOnlyList<MinidumpUnloadedModule> Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var raw = SizedTable.Read(dump, entry, headerMin: 12, countIs64: false, MinidumpUnloadedModule.Size, Limits.MaxModules,
            "unloaded module list", MinidumpUnloadedModule.Read);
        var list = new List<MinidumpUnloadedModule>(raw.Count);
        foreach (var m in raw)
            list.Add(m with { Name = dump.ReadString(m.ModuleNameRva, $"name of unloaded module at 0x{m.BaseOfImage:x}") ?? $"<unavailable name at 0x{m.ModuleNameRva:x}>" });
        return list;
    }
}
