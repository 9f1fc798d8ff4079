using Ntdbg.Core.Memory;
using Ntdbg.Targets.Model;

namespace Ntdbg.Targets.Kernel;

/// <summary>
/// Reads nt!MmUnloadedDrivers (found through KDBG) in a full/bitmap dump: an array of
/// UNLOADED_DRIVERS { UNICODE_STRING Name; PVOID StartAddress; PVOID EndAddress; LARGE_INTEGER CurrentTime; }
/// that the kernel fills as a ring of <see cref="Slots"/> entries.
/// </summary>
public static class UnloadedDriverReader
{
    public const int Slots = 50;

    public static List<UnloadedModuleInfo> Read(IVirtualMemory memory, ulong mmUnloadedDrivers, int pointerSize, List<string> warnings)
    {
        var list = new List<UnloadedModuleInfo>();
        if (mmUnloadedDrivers == 0) return list;
        if (!memory.TryReadPointer(mmUnloadedDrivers, pointerSize, out ulong array, out var fault))
        {
            warnings.Add($"cannot read MmUnloadedDrivers at {Hex.Pointer(mmUnloadedDrivers, pointerSize)}: {fault!.Detail}");
            return list;
        }
        if (array == 0) return list; // the kernel allocates the array on the first unload
        int entrySize = pointerSize == 8 ? 0x28 : 0x18;
        var entries = new byte[entrySize * Slots];
        int got = memory.Read(array, entries, out fault);
        if (got < entries.Length)
            warnings.Add($"unloaded driver list at {Hex.Pointer(array, pointerSize)} is only partly readable: {fault?.Detail}");
        for (int i = 0; (i + 1) * entrySize <= got; i++)
        {
            var e = entries.AsSpan(i * entrySize, entrySize);
            string? name = KernelModuleListWalker.ReadUnicodeString(memory, e, pointerSize);
            if (name == null) continue;
            int p = pointerSize == 8 ? 16 : 8;
            ulong start = pointerSize == 8 ? BitConverter.ToUInt64(e.Slice(p, 8)) : BitConverter.ToUInt32(e.Slice(p, 4));
            ulong end = pointerSize == 8 ? BitConverter.ToUInt64(e.Slice(p + 8, 8)) : BitConverter.ToUInt32(e.Slice(p + 4, 4));
            list.Add(new UnloadedModuleInfo(name, start, end >= start ? end - start : 0, 0, 0));
        }
        return list;
    }
}
