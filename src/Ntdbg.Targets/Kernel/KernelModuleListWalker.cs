using Ntdbg.Core.Errors;
using Ntdbg.Core.Memory;
using Ntdbg.Targets.Model;

namespace Ntdbg.Targets.Kernel;

/// <summary>
/// Walks PsLoadedModuleList (_KLDR_DATA_TABLE_ENTRY through InLoadOrderLinks) in virtual memory,
/// with a visited set and a step cap so a looping or corrupt list ends with a warning.
/// </summary>
public static class KernelModuleListWalker
{
    /// <summary>Offsets of _KLDR_DATA_TABLE_ENTRY fields for one pointer size and OS generation.</summary>
    public sealed record Layout(int DllBase, int SizeOfImage, int FullDllName, int BaseDllName, int CheckSum, int TimeDateStamp);

    /// <summary>x64 Windows 10+: TimeDateStamp moved to +0x9C in _KLDR_DATA_TABLE_ENTRY.</summary>
    public static readonly Layout X64Win10 = new(0x30, 0x40, 0x48, 0x58, 0x78, 0x9c);
    /// <summary>x64 before Windows 10 (_LDR_DATA_TABLE_ENTRY shape): TimeDateStamp at +0x80.</summary>
    public static readonly Layout X64Legacy = new(0x30, 0x40, 0x48, 0x58, 0x78, 0x80);
    public static readonly Layout X86Win10 = new(0x18, 0x20, 0x24, 0x2c, 0x40, 0x58);
    public static readonly Layout X86Legacy = new(0x18, 0x20, 0x24, 0x2c, 0x40, 0x44);

    public static Layout LayoutFor(int pointerSize, uint build) => (pointerSize, build >= 10240) switch
    {
        (8, true) => X64Win10,
        (8, false) => X64Legacy,
        (_, true) => X86Win10,
        _ => X86Legacy,
    };

    public static List<ModuleInfo> Walk(IVirtualMemory memory, ulong listHead, int pointerSize, Layout layout, List<string> warnings, int maxEntries = Limits.MaxModules)
    {
        var modules = new List<ModuleInfo>();
        if (listHead == 0) { warnings.Add("PsLoadedModuleList is zero: no module list to walk"); return modules; }
        if (!memory.TryReadPointer(listHead, pointerSize, out ulong entry, out var fault))
        {
            warnings.Add($"cannot read PsLoadedModuleList at {Hex.Pointer(listHead, pointerSize)}: {fault!.Detail}");
            return modules;
        }
        var visited = new HashSet<ulong> { listHead };
        int entrySize = layout.TimeDateStamp + 4;
        var buffer = new byte[entrySize];
        while (entry != listHead)
        {
            if (!visited.Add(entry))
            {
                warnings.Add($"PsLoadedModuleList loops back to {Hex.Pointer(entry, pointerSize)} after {modules.Count} modules; walk stopped");
                break;
            }
            if (modules.Count >= maxEntries)
            {
                warnings.Add($"PsLoadedModuleList has more than {maxEntries} entries; walk stopped");
                break;
            }
            int got = memory.Read(entry, buffer, out fault);
            if (got < buffer.Length)
            {
                warnings.Add($"module list entry at {Hex.Pointer(entry, pointerSize)} is unreadable after {modules.Count} modules: {fault?.Detail}");
                break;
            }
            var e = buffer.AsSpan();
            ulong P(int o) => pointerSize == 8 ? BitConverter.ToUInt64(buffer, o) : BitConverter.ToUInt32(buffer, o);
            ulong dllBase = P(layout.DllBase);
            uint size = BitConverter.ToUInt32(buffer, layout.SizeOfImage);
            string? full = ReadUnicodeString(memory, e.Slice(layout.FullDllName), pointerSize);
            string? baseName = ReadUnicodeString(memory, e.Slice(layout.BaseDllName), pointerSize);
            string path = full ?? baseName ?? $"<module at {Hex.Pointer(dllBase, pointerSize)}>";
            var module = new ModuleInfo(path, dllBase, size, BitConverter.ToUInt32(buffer, layout.TimeDateStamp), BitConverter.ToUInt32(buffer, layout.CheckSum));
            if (baseName != null) module = module with { Name = ModuleInfo.DefaultName(baseName) };
            modules.Add(module);
            entry = P(0); // InLoadOrderLinks.Flink
        }
        return modules;
    }

    /// <summary>UNICODE_STRING { USHORT Length; USHORT MaximumLength; PWSTR Buffer; } read through memory.</summary>
    public static string? ReadUnicodeString(IVirtualMemory memory, ReadOnlySpan<byte> unicodeString, int pointerSize)
    {
        int length = BitConverter.ToUInt16(unicodeString[..2]);
        ulong buffer = pointerSize == 8 ? BitConverter.ToUInt64(unicodeString.Slice(8, 8)) : BitConverter.ToUInt32(unicodeString.Slice(4, 4));
        if (length == 0 || buffer == 0) return null;
        var bytes = new byte[length & ~1];
        int got = memory.Read(buffer, bytes, out _);
        if (got < 2) return null;
        return System.Text.Encoding.Unicode.GetString(bytes, 0, got & ~1);
    }
}
