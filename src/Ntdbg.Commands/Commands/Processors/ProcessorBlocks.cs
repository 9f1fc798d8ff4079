using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Targets;
using Ntdbg.Targets.Kernel;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Processors;

/// <summary>
/// The processors of a full or bitmap kernel dump: nt!KiProcessorBlock[n] is processor n's
/// _KPRCB, which sits inside its _KPCR at _KPCR.Prcb (x64). The count is the dump header's
/// NumberProcessors. Fields are read with the kernel's own types.
/// </summary>
public sealed class ProcessorBlocks
{
    private const uint MaxProcessors = 4096;
    private readonly DebugSession _session;
    private readonly ulong _blocks;

    private ProcessorBlocks(DebugSession session, ulong blocks, uint count)
    {
        _session = session;
        _blocks = blocks;
        Count = count;
    }

    public uint Count { get; }

    /// <summary>The processor blocks, or a CommandException saying why the dump cannot give them.</summary>
    public static ProcessorBlocks Of(DebugSession s, string command)
    {
        if (!s.IsKernel || s.Target is not IKernelTarget k) throw new CommandException($"{command} is a kernel-mode command");
        if (s.Target is KernelDumpTarget { Dump.Triage: not null })
            throw new CommandException($"{command}: a triage dump holds only the bugcheck processor's PRCB copy, not nt!KiProcessorBlock");
        if (s.PointerSize != 8) throw new CommandException($"{command}: only x64 kernels are supported (the x86 _KPCR layout differs)");
        ulong blocks = s.SymbolTable.TryResolve("nt!KiProcessorBlock", out ulong a) ? a
            : k.KdDebuggerData is { } raw && KdDebuggerData.TryParse(raw.Span, 8)?.KiProcessorBlock is ulong kdbg && kdbg != 0 ? kdbg
            : throw new CommandException($"{command}: neither the kernel's symbols nor the KDBG name nt!KiProcessorBlock");
        uint count = Math.Min(s.Target.System?.ProcessorCount ?? 1, MaxProcessors);
        return new ProcessorBlocks(s, blocks, count);
    }

    /// <summary>The processor a command without an argument shows: the one ~Ns selected, else the bugcheck processor.</summary>
    public static uint Current(DebugSession s) => s.SelectedProcessor ?? (s.Target as IKernelTarget)?.CurrentProcessor ?? 0;

    /// <summary>The processor a command names (its argument), else the current one; a number past 32 bits is no processor.</summary>
    public static uint Requested(CommandContext context, string command)
    {
        ulong? asked = context.Args.TryReadExpression();
        if (asked is ulong n && n > uint.MaxValue) throw new CommandException($"{command}: processor {n:x} does not exist");
        return asked is ulong small ? (uint)small : Current(context.Session);
    }

    /// <summary>Processor <paramref name="n"/>'s _KPRCB address.</summary>
    public ulong Prcb(uint n, string command)
    {
        if (n >= Count) throw new CommandException($"{command}: processor {n} does not exist (the dump has {Count})");
        if (!_session.Memory.TryReadPointer(_blocks + n * 8UL, 8, out ulong prcb, out var fault))
            throw new CommandException($"{command}: nt!KiProcessorBlock[{n}] at {Hex.Pointer(_blocks + n * 8UL, 8)} is not in the dump: {fault?.Detail}");
        if (prcb == 0) throw new CommandException($"{command}: nt!KiProcessorBlock[{n}] is null");
        return prcb;
    }

    /// <summary>The _KPCR holding a _KPRCB, by the offset of _KPCR.Prcb.</summary>
    public ulong Kpcr(ulong prcb, string command)
    {
        var pcr = Type("_KPCR", command);
        ulong offset = KernelFields.OffsetOf(pcr, "Prcb") ?? throw new CommandException($"{command}: nt!_KPCR has no Prcb field");
        return prcb - offset;
    }

    public UdtType Type(string name, string command) =>
        _session.SymbolTable.FindType("nt!" + name)?.Type as UdtType ?? throw new CommandException($"{command}: nt!{name} is not in the kernel's symbols");
}
