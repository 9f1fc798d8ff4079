using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Processes;

/// <summary>A user module of a process, from its PEB's loader list.</summary>
public sealed record UserModule(ulong Base, ulong Size, string Name);

/// <summary>
/// A process's user modules: PEB.Ldr → _PEB_LDR_DATA.InLoadOrderModuleList → each
/// _LDR_DATA_TABLE_ENTRY's DllBase, SizeOfImage and BaseDllName, read through the implicit
/// process's page tables with the kernel's types (guarded against loops and runaway lists).
/// </summary>
public static class UserModuleList
{
    private const int MaxModules = 4096;

    public static List<UserModule> Read(DebugSession s, ulong peb, List<string> notes)
    {
        var modules = new List<UserModule>();
        if (peb == 0)
        {
            notes.Add("the process has no PEB: no user modules");
            return modules;
        }
        var fields = new KernelFields(s, notes);
        ulong? ldr = fields.Read(fields.Type("_PEB"), peb, "Ldr");
        if (ldr is not ulong l || l == 0)
        {
            if (ldr == 0) notes.Add("PEB.Ldr is null: the loader has not listed any module");
            return modules;
        }
        var data = fields.Type("_PEB_LDR_DATA");
        var entry = fields.Type("_LDR_DATA_TABLE_ENTRY");
        if (data == null || entry == null || KernelFields.OffsetOf(data, "InLoadOrderModuleList") is not ulong listAt
            || KernelFields.OffsetOf(entry, "InLoadOrderLinks") is not ulong linksAt || KernelFields.OffsetOf(entry, "BaseDllName") is not ulong nameAt) return modules;
        ulong head = l + listAt;
        var seen = new HashSet<ulong>();
        ulong link = head;
        while (true)
        {
            if (!s.Memory.TryReadPointer(link, s.PointerSize, out link, out var fault))
            {
                notes.Add($"the loader list is broken: {fault?.Detail ?? "unreadable"}");
                break;
            }
            if (link == head) break;
            if (!seen.Add(link) || seen.Count > MaxModules)
            {
                notes.Add($"the loader list loops or runs past {MaxModules} entries at {Hex.Pointer(link, s.PointerSize)}: stopping");
                break;
            }
            ulong e = link - linksAt;
            ulong dllBase = fields.Read(entry, e, "DllBase") ?? 0;
            ulong size = fields.Read(entry, e, "SizeOfImage") ?? 0;
            modules.Add(new UserModule(dllBase, size, ReadUnicodeString(s, e + nameAt) ?? "?"));
        }
        return modules;
    }

    /// <summary>A UNICODE_STRING's text (capped at 32 K characters), null when unreadable.</summary>
    public static string? ReadUnicodeString(DebugSession s, ulong at)
    {
        Span<byte> header = stackalloc byte[16];
        int size = s.PointerSize == 8 ? 16 : 8;
        if (s.Memory.Read(at, header[..size], out _) < size) return null;
        int length = BitConverter.ToUInt16(header) & ~1;
        ulong buffer = s.PointerSize == 8 ? BitConverter.ToUInt64(header[8..]) : BitConverter.ToUInt32(header[4..]);
        var bytes = new byte[length];
        if (s.Memory.Read(buffer, bytes, out _) < length) return null;
        return System.Text.Encoding.Unicode.GetString(bytes);
    }
}
