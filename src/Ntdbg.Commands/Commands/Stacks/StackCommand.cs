using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Language;
using Ntdbg.Core.Memory;
using Ntdbg.Stacks.Unwind;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>
/// k[b|v|p|P|n|c|f] [= start registers] [Count]: the current context's stack (thread, .ecxr,
/// .cxr or .frame), x64 unwound with .pdata from the dump or from images the symbol path
/// supplied, x86 with the symbol files' frame data, the EBP chain and scanning. Frames found by
/// less than the module's own unwind data say so.
/// </summary>
[Command("k", Summary = "Stack backtrace", Usage = "k[b|v|p|P|n|c|f] [= BasePtr StackPtr InstructionPtr] [Count]")]
public sealed class StackCommand : ICommand
{
    private const int DefaultCount = 256;

    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        var options = StackOptions.Parse(context, out string rest);
        var args = new ArgumentReader(rest, s.CreateEvaluator());
        var regs = s.CurrentContext ?? throw new CommandException("k: the current thread has no register context");
        ulong? countValue = null;
        if (args.Peek == '=')
        {
            args.TryKeyword("=");
            (regs, countValue) = StartRegisters(regs, args);
        }
        else if (!args.AtEnd) countValue = args.ReadExpression();
        int count = countValue is ulong c ? (int)Math.Clamp(c, 1, StackWalker.MaxFrames) : DefaultCount;
        if (!args.AtEnd) throw new CommandException($"k: unexpected '{args.Rest}'");
        var (frames, stopped) = s.Stacks.Walk(regs, count);
        var lines = new List<StackLine>(frames.Count);
        foreach (var f in frames)
        {
            var parameters = options.Parameters ? FrameVariables.Read(s, frames, f.Number, parametersOnly: true) : null;
            string site = parameters != null ? CallSiteWithParameters(s, f, options, parameters) : CallSite(s, f, options);
            lines.Add(new StackLine(f, site, options.Arguments ? Arguments(s, f) : null,
                options.Annotations ? Annotation(frames, f) : null, parameters?.Variables));
        }
        return new StackResult(s.PointerSize, options.Numbered, options.Arguments, lines, stopped);
    }

    // "k = sp ip" (x64) or "k = ebp [esp eip]" (x86): the walk starts from those registers.
    private static (RegisterContext, ulong?) StartRegisters(RegisterContext current, ArgumentReader args)
    {
        var values = new List<ulong>();
        while (!args.AtEnd && values.Count < 4) values.Add(args.ReadExpression());
        if (values.Count == 0) throw new CommandException("k =: expected the starting registers");
        var set = new Dictionary<string, ulong>(StringComparer.OrdinalIgnoreCase);
        if (current.Machine == Machine.X86)
        {
            set["ebp"] = values[0];
            set["esp"] = values.Count >= 3 ? values[1] : values[0];
            if (values.Count >= 3) set["eip"] = values[2];
            return (current.With(set), Count(values, values.Count >= 3 ? 3 : 1));
        }
        else
        {
            // x64 has no frame chain to start from: the first value is where the stack is, the
            // second the instruction pointer (the seed's "k=rbp rip n" on an RBP-framed function).
            set[current.StackPointerName] = values[0];
            if (values.Count >= 2) set[current.InstructionPointerName] = values[1];
            return (current.With(set), Count(values, Math.Min(values.Count, 2)));
        }
    }

    // A value past the registers is the frame count.
    private static ulong? Count(List<ulong> values, int registers)
    {
        if (values.Count > registers + 1) throw new CommandException("k =: too many values");
        return values.Count == registers + 1 ? values[registers] : null;
    }

    /// <summary>The frame's call site as `k` names it, with how the frame was found when that was less than unwind data.</summary>
    internal static string CallSite(Session.DebugSession s, StackFrame f, StackOptions options)
    {
        string site = s.DescribeAddress(f.InstructionPointer) ?? $"0x{Hex.Pointer(f.InstructionPointer, 8)}";
        if (options.ModuleOnly) site = site.Split('!')[0];
        return f.Source switch
        {
            FrameSource.Leaf => site + " (leaf: no unwind data)",
            FrameSource.MachineFrame => site + " (machine frame)",
            FrameSource.Scan => site + " (found by stack scan)",
            FrameSource.FramePointer when s.PointerSize == 8 => site + " (found by frame pointer)",
            _ => site,
        };
    }

    // kp: "module!function(type name = value, ...)+0x1e"; kP puts each parameter on its own line.
    private static string CallSiteWithParameters(Session.DebugSession s, StackFrame f, StackOptions options, FrameVariableList parameters)
    {
        var at = s.SymbolTable.LookupAddress(f.InstructionPointer);
        if (at?.Symbol == null || options.ModuleOnly) return CallSite(s, f, options);
        var items = parameters.Variables.Select(v => $"{v.TypeName} {v.Name} = {v.Value}").ToList();
        string list = items.Count == 0 ? "void"
            : options.ParametersMultiline ? "\n\t\t\t" + string.Join(", \n\t\t\t", items)
            : string.Join(", ", items);
        string site = $"{at.Module.Name}!{at.Symbol.Name}({list})" + (at.Displacement == 0 ? "" : $"+0x{at.Displacement:x}");
        string plain = CallSite(s, f, options);
        string described = s.DescribeAddress(f.InstructionPointer) ?? "";
        // Keep the note on how the frame was found ("(found by stack scan)").
        return plain.StartsWith(described, StringComparison.Ordinal) ? site + plain[described.Length..] : site;
    }

    // x64: the four home slots above the return address; x86: the three dwords past the saved EBP and return address.
    private static List<ulong?> Arguments(Session.DebugSession s, StackFrame f)
    {
        var list = new List<ulong?>(4);
        if (s.PointerSize == 8)
            for (int i = 1; i <= 4; i++)
                list.Add(s.Memory.TryReadUInt64(f.StackPointer + (ulong)(8 * i), out ulong v, out _) ? v : null);
        else
            for (int i = 2; i <= 4; i++)
                list.Add(s.Memory.TryReadUInt32(f.FramePointer + (ulong)(4 * i), out uint v, out _) ? v : null);
        return list;
    }

    // kv's "(FPO: ...)" on x86 and "(TrapFrame @ ...)" where a machine frame was crossed.
    private static string? Annotation(IReadOnlyList<StackFrame> frames, StackFrame f)
    {
        var next = f.Number + 1 < frames.Count ? frames[f.Number + 1] : null;
        if (next?.Source == FrameSource.MachineFrame) return $"(TrapFrame @ {Hex.Pointer(f.StackPointer, 8)})";
        if (f.FrameInfo is not { } info) return null;
        return info.Kind switch
        {
            Ntdbg.Symbols.Model.X86FrameKind.Standard => "(FPO: [Non-Fpo])",
            Ntdbg.Symbols.Model.X86FrameKind.Trap => $"(FPO: [{info.ParamsSize / 4},{info.LocalsSize / 4}] TrapFrame @ {f.FramePointer:x8})",
            _ => $"(FPO: {(info.AllocatesBasePointer ? "[Uses EBP] " : "")}[{info.ParamsSize / 4},{info.LocalsSize / 4},{info.SavedRegsSize / 4}])",
        };
    }
}
