using Ntdbg.Analyses.Stacks;
using Ntdbg.Core.Memory;
using Ntdbg.Stacks.Unwind;
using Ntdbg.Symbols.Loading;
using Ntdbg.Targets.Model;

namespace Ntdbg.Analyses.Locks;

/// <summary>
/// Which lock a blocked thread waits for, from its stack (docs/locks.md). A thread is blocked in
/// the system's lock path when its innermost frames are in the system modules (ntdll, kernelbase,
/// kernel32, win32u). The lock is then a pointer on its stack between the stack pointer and the
/// first frame of the caller outside those modules (plus that frame's argument slots): to a
/// critical section (or to its LockSemaphore field, which Wine's wait passes to
/// RtlWaitOnAddress) that is locked by another thread — the innermost such slot wins. Where
/// symbols name the frames (Windows' ntdll exports or PDB), a RtlAcquireSRWLock* frame makes it
/// an SRW wait and an EnterCriticalSection frame confirms the critical-section path.
/// </summary>
public sealed class LockWaitFinder(IVirtualMemory memory, int pointerSize, SymbolManager symbols, TargetStacks stacks)
{
    private static readonly string[] SystemModules = ["ntdll", "kernelbase", "kernel32", "win32u", "wow64", "wow64cpu", "wow64win"];

    /// <summary>The stack window is capped so a damaged stack pointer cannot make the scan read megabytes.</summary>
    public const ulong MaxWindowBytes = 0x10000;

    private const int MaxFrames = 64;

    /// <summary>The thread's wait, or null when it is not blocked in a lock path the evidence shows; lookup finds (or confirms) a section by address.</summary>
    public LockWait? Find(ThreadInfo thread, Func<ulong, CriticalSectionInfo?> lookup, List<string> notes)
    {
        if (thread.Context is not { } context) return null;
        var (frames, _) = stacks.Walk(context, MaxFrames);
        if (frames.Count == 0 || !IsSystem(frames[0].InstructionPointer)) return null;
        int caller = -1;
        for (int i = 1; i < frames.Count; i++)
            if (!IsSystem(frames[i].InstructionPointer)) { caller = i; break; }
        string? function = null;
        bool srw = false, critical = false;
        for (int i = 0; i < (caller < 0 ? frames.Count : caller); i++)
        {
            string? name = symbols.LookupAddress(frames[i].InstructionPointer)?.Symbol?.Name;
            if (name == null) continue;
            if (name.Contains("AcquireSRWLock", StringComparison.OrdinalIgnoreCase)) { srw = true; function = name; }
            else if (name.Contains("EnterCriticalSection", StringComparison.OrdinalIgnoreCase)
                || name.Contains("WaitOnCriticalSection", StringComparison.OrdinalIgnoreCase)
                || name.Contains("WaitForCriticalSection", StringComparison.OrdinalIgnoreCase)) { critical = true; function ??= name; }
        }
        if (caller < 0) return null;
        ulong low = context.StackPointer;
        ulong high = frames[caller].StackPointer + 4UL * (ulong)pointerSize;
        if (high <= low) return null;
        if (high - low > MaxWindowBytes)
        {
            notes.Add($"thread {thread.ThreadId:x}: its lock-path frames span {high - low:x} bytes; only the first {MaxWindowBytes:x} were searched");
            high = low + MaxWindowBytes;
        }
        string callerName = symbols.FormatAddress(frames[caller].InstructionPointer) ?? $"{frames[caller].InstructionPointer:x}";
        if (srw) return SrwWait(thread, frames, function!, callerName);

        var window = new byte[high - low];
        int got = memory.Read(low, window, out var fault);
        if (got < pointerSize)
        {
            notes.Add($"thread {thread.ThreadId:x}: its stack at {low:x} is not in the dump ({fault})");
            return null;
        }
        var layout = CriticalSectionLayout.For(pointerSize);
        for (int at = 0; at + pointerSize <= got; at += pointerSize)
        {
            ulong value = pointerSize == 8 ? BitConverter.ToUInt64(window, at) : BitConverter.ToUInt32(window, at);
            if (value < 0x10000) continue;
            foreach (var (candidate, field) in new[] { (value, ""), (value - (ulong)layout.LockSemaphore, " (its LockSemaphore field)") })
            {
                if (lookup(candidate) is not { } cs || !cs.Locked || cs.OwnerThreadId == thread.ThreadId) continue;
                string how = critical ? $"the stack names {function}; " : "the lock path has no symbols; ";
                return new LockWait(thread.ThreadId, thread.Index, thread.Name, LockWaitKind.CriticalSection, cs.Address, cs.Name, function,
                    $"{how}the stack slot {low + (ulong)at:x} points to {cs.Address:x}{field}, a critical section owned by thread {cs.OwnerThreadId:x}, in the frames below {callerName}");
            }
        }
        if (critical)
            notes.Add($"thread {thread.ThreadId:x} is in {function} but no pointer on its stack leads to a locked critical section");
        return null;
    }

    // The lock is RtlAcquireSRWLock*'s only argument: on x86 the dword past the return address of the
    // caller's call (the lock function's frame [ebp+8] when it keeps EBP); x64 passes it in rcx, which
    // the stack does not keep, so the address stays unknown there.
    private LockWait SrwWait(ThreadInfo thread, IReadOnlyList<StackFrame> frames, string function, string callerName)
    {
        ulong? lockAddress = null;
        var at = frames.FirstOrDefault(f => symbols.LookupAddress(f.InstructionPointer)?.Symbol?.Name == function);
        if (pointerSize == 4 && at != null && at.FramePointer != 0 && memory.TryReadUInt32(at.FramePointer + 8, out uint arg, out _) && arg != 0)
            lockAddress = arg;
        string where = lockAddress is { } a ? $"its argument is {a:x}" : "its address is not recoverable from the stack (passed in a register)";
        return new LockWait(thread.ThreadId, thread.Index, thread.Name, LockWaitKind.SrwLock, lockAddress,
            lockAddress is { } l ? symbols.FormatAddress(l) : null, function,
            $"the stack names {function} below {callerName}; {where}; SRW locks do not record their owner");
    }

    private bool IsSystem(ulong address) =>
        symbols.FindByAddress(address) is { } m && SystemModules.Contains(m.Name, StringComparer.OrdinalIgnoreCase);
}
