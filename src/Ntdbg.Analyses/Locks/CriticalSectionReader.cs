using System.Buffers.Binary;
using Ntdbg.Core.Memory;

namespace Ntdbg.Analyses.Locks;

/// <summary>
/// Reads RTL_CRITICAL_SECTION and its debug record from the dump. Nothing read is trusted: a
/// section is "plausible" only when its counts fit what the lock code writes, and it is
/// "confirmed" when its DebugInfo points back at it (RTL_CRITICAL_SECTION_DEBUG.CriticalSection),
/// which is what lets a bare pointer found on a stack count as a critical section.
/// </summary>
public sealed class CriticalSectionReader(IVirtualMemory memory, int pointerSize, Func<ulong, string?> nameOf)
{
    /// <summary>Windows (8+) and Wine store −1 as DebugInfo when a section has no debug record.</summary>
    private ulong NoDebugInfoMarker => pointerSize == 8 ? ulong.MaxValue : uint.MaxValue;

    public CriticalSectionLayout Layout { get; } = CriticalSectionLayout.For(pointerSize);

    public int PointerSize => pointerSize;

    /// <summary>The section at address, or null with why (not in the dump).</summary>
    public CriticalSectionInfo? Read(ulong address, string foundBy, out string? error)
    {
        var L = Layout;
        Span<byte> b = stackalloc byte[L.Size];
        int got = memory.Read(address, b, out var fault);
        if (got < L.Size)
        {
            error = $"critical section {address:x}: {fault?.ToString() ?? "not in the dump"}";
            return null;
        }
        error = null;
        ulong debugInfo = Pointer(b[L.DebugInfo..]);
        int lockCount = BinaryPrimitives.ReadInt32LittleEndian(b[L.LockCount..]);
        int recursion = BinaryPrimitives.ReadInt32LittleEndian(b[L.RecursionCount..]);
        ulong owner = Pointer(b[L.OwningThread..]);
        ulong semaphore = Pointer(b[L.LockSemaphore..]);
        ulong spin = Pointer(b[L.SpinCount..]);
        CriticalSectionDebug? debug = null;
        string? note = null;
        if (debugInfo == 0) note = "no debug record (DebugInfo is null)";
        else if (debugInfo == NoDebugInfoMarker) note = "no debug record (DebugInfo is the -1 marker)";
        else if ((debug = ReadDebug(debugInfo, out var why)) == null) note = why;
        return new CriticalSectionInfo(address, nameOf(address), debugInfo, lockCount, recursion, owner, semaphore, spin, debug, note, foundBy);
    }

    public CriticalSectionDebug? ReadDebug(ulong debugInfo, out string? error)
    {
        var L = Layout;
        Span<byte> b = stackalloc byte[L.DebugSize];
        int got = memory.Read(debugInfo, b, out var fault);
        if (got < L.DebugSize)
        {
            error = $"debug record {debugInfo:x}: {fault?.ToString() ?? "not in the dump"}";
            return null;
        }
        error = null;
        return new CriticalSectionDebug(
            BinaryPrimitives.ReadUInt16LittleEndian(b[L.DebugType..]),
            BinaryPrimitives.ReadUInt16LittleEndian(b[L.DebugCreatorBackTraceIndex..]),
            Pointer(b[L.DebugCriticalSection..]),
            Pointer(b[L.DebugProcessLocksList..]),
            Pointer(b[(L.DebugProcessLocksList + pointerSize)..]),
            BinaryPrimitives.ReadUInt32LittleEndian(b[L.DebugEntryCount..]),
            BinaryPrimitives.ReadUInt32LittleEndian(b[L.DebugContentionCount..]));
    }

    public bool TryReadPointer(ulong address, out ulong value, out string? error)
    {
        bool ok = memory.TryReadPointer(address, pointerSize, out value, out var fault);
        error = ok ? null : fault?.ToString() ?? "not in the dump";
        return ok;
    }

    /// <summary>The section's debug record points back at it: the strongest sign an address is a critical section.</summary>
    public static bool Confirmed(CriticalSectionInfo cs) => cs.Debug is { } d && d.CriticalSection == cs.Address;

    /// <summary>Counts as the lock code leaves them: an owner exactly when locked with a recursion count, no absurd counts.</summary>
    public static bool Plausible(CriticalSectionInfo cs) =>
        cs.RecursionCount >= 0 && cs.RecursionCount < 0x100000
        && (cs.Locked ? cs.OwningThread != 0 && cs.OwningThread <= uint.MaxValue && cs.RecursionCount > 0 : cs.RecursionCount == 0)
        && (cs.Encoding != LockCountEncoding.Legacy || cs.LockCount < 0x100000)
        && (cs.Encoding != LockCountEncoding.Modern || cs.LockCount > -0x400000);

    private ulong Pointer(ReadOnlySpan<byte> b) =>
        pointerSize == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
}
