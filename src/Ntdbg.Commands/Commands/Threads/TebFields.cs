using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>
/// The TEB fields `!thread` shows, read at their documented offsets (user dumps carry no ntdll
/// symbols to take them from): NT_TIB.StackBase/StackLimit, ClientId and LastErrorValue. Each is
/// null when the dump lacks that memory.
/// </summary>
public sealed record TebFields(ulong? StackBase, ulong? StackLimit, ulong? ClientProcess, ulong? ClientThread, uint? LastErrorValue, string? Problem)
{
    public static TebFields Read(DebugSession s, ulong teb)
    {
        bool wide = s.PointerSize == 8;
        int p = s.PointerSize;
        string? problem = null;
        ulong? Pointer(ulong offset)
        {
            if (s.Memory.TryReadPointer(teb + offset, p, out ulong v, out var fault)) return v;
            problem ??= fault?.Detail ?? "unreadable";
            return null;
        }
        // NT_TIB: ExceptionList, StackBase, StackLimit; ClientId at 0x20/0x40; LastErrorValue at 0x34/0x68.
        ulong? stackBase = Pointer((ulong)p), stackLimit = Pointer((ulong)(2 * p));
        ulong? process = Pointer(wide ? 0x40UL : 0x20UL), thread = Pointer(wide ? 0x48UL : 0x24UL);
        uint? lastError = null;
        if (s.Memory.TryReadUInt32(teb + (wide ? 0x68UL : 0x34UL), out uint e, out var f)) lastError = e;
        else problem ??= f?.Detail ?? "unreadable";
        return new TebFields(stackBase, stackLimit, process, thread, lastError, problem);
    }
}
