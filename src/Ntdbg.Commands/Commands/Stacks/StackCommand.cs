using Ntdbg.Commands.Engine;
using Ntdbg.Core.Memory;
using Ntdbg.Stacks.Unwind;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>
/// k, kn, kb [Count]: the current context's stack (thread, .ecxr or .cxr), x64, unwound with
/// .pdata from the dump or from images the symbol path supplied. Each frame says how it was found
/// when not by unwind data (leaf, machine frame).
/// </summary>
[Command("k", Aliases = ["kn", "kb"], Summary = "Stack backtrace (x64: unwound with .pdata)", Usage = "k[n|b] [Count]")]
public sealed class StackCommand : ICommand
{
    private const int DefaultCount = 256;

    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        if (s.Target.Machine != Machine.X64)
            throw new CommandException($"{context.Name}: only x64 stacks are walked so far ({s.Target.Machine}: issue 4)");
        var regs = s.CurrentContext ?? throw new CommandException($"{context.Name}: the current thread has no register context");
        int count = context.Args.AtEnd ? DefaultCount : (int)Math.Clamp(context.Args.ReadExpression(), 1, StackWalker.MaxFrames);
        // Loading a module's symbols also maps its image from the symbol store, so .pdata the dump lacks is there.
        var walker = new StackWalker(s.Memory, a =>
        {
            var module = s.SymbolTable.FindByAddress(a);
            if (module != null) s.SymbolTable.EnsureLoaded(module);
            return module?.Module.Base;
        }, LooksLikeReturnAddress(s));
        var (frames, stopped) = walker.Walk(regs, count);
        bool args = context.Name == "kb";
        var lines = frames.Select(f => new StackLine(f, CallSite(s, f), args ? Arguments(s.Memory, f.StackPointer) : null)).ToList();
        return new StackResult(s.PointerSize, context.Name is "kn", args, lines, stopped);
    }

    /// <summary>
    /// What a return address looks like without code to check: inside a symbol (not at its start,
    /// not past a known size), in a code section of its module's header (when a header is readable).
    /// </summary>
    private static Func<ulong, bool> LooksLikeReturnAddress(Session.DebugSession s)
    {
        var sections = new Symbols.SymbolDescriber(s);
        return a => s.SymbolTable.LookupAddress(a) is { Symbol: { } sym, Displacement: > 0 and < 0x10000 } hit
            && (sym.Size == 0 || hit.Displacement < sym.Size)
            && sections.InCodeSection(hit.Module, (uint)(a - hit.Module.Module.Base)) != false;
    }

    private static string CallSite(Session.DebugSession s, StackFrame f)
    {
        string site = s.DescribeAddress(f.InstructionPointer) ?? $"0x{Hex.Pointer(f.InstructionPointer, 8)}";
        return f.Source switch
        {
            FrameSource.Leaf => site + " (leaf: no unwind data)",
            FrameSource.MachineFrame => site + " (machine frame)",
            FrameSource.Scan => site + " (found by stack scan)",
            _ => site,
        };
    }

    // x64 home slots above the return address, as `kb` prints them ("Args to Child").
    private static List<ulong?> Arguments(IVirtualMemory memory, ulong childSp)
    {
        var list = new List<ulong?>(4);
        for (int i = 1; i <= 4; i++)
            list.Add(memory.TryReadUInt64(childSp + (ulong)(8 * i), out ulong v, out _) ? v : null);
        return list;
    }
}
