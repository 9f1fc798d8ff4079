using Ntdbg.Targets.Model;

namespace Ntdbg.Analyses.Locks;

/// <summary>
/// The two critical sections every Windows process's PEB points at — FastPebLock and LoaderLock —
/// at the PEB offsets that have not moved since Windows XP (x86 0x1C/0xA0, x64 0x38/0x110; the PEB
/// from TEB+0x30/0x60). Both are on the process lock list, so their ProcessLocksList reaches every
/// other section when ntdll's symbols do not name the list head.
/// </summary>
public static class PebLocks
{
    public static IEnumerable<(string Name, ulong Address)> Find(CriticalSectionReader reader, IEnumerable<ThreadInfo> threads)
    {
        bool wide = reader.PointerSize == 8;
        foreach (ulong teb in threads.Select(t => t.Teb).Where(t => t != 0))
        {
            if (!reader.TryReadPointer(teb + (wide ? 0x60UL : 0x30UL), out ulong peb, out _) || peb == 0) continue;
            if (reader.TryReadPointer(peb + (wide ? 0x38UL : 0x1CUL), out ulong fast, out _) && fast != 0) yield return ("PEB.FastPebLock", fast);
            if (reader.TryReadPointer(peb + (wide ? 0x110UL : 0xA0UL), out ulong loader, out _) && loader != 0) yield return ("PEB.LoaderLock", loader);
            yield break;
        }
    }
}
