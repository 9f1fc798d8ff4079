using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Stacks.Disassembly;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Disassembly;

/// <summary>
/// u [Address] [L Count | End], ub [Address] [L Count], uf [/c] Address: x86/x64 disassembly with
/// symbolic targets. `u` without an address continues where the last one stopped; `ub` lists the
/// instructions that end at the address (exact from the function start when symbols give one);
/// `uf` shows the function containing the address, by its symbol range (`/c`: only its calls).
/// </summary>
[Command("u", Aliases = ["ub", "uf"], Summary = "Disassemble (u forward, ub backward, uf a whole function)",
    Usage = "u [Address] [L Count|End]; ub [Address] [L Count]; uf [/c] Address", Scope = CommandScope.Any)]
public sealed class DisassemblyCommand : ICommand
{
    private const int DefaultCount = 8;

    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        if (s.Target.Machine is not (Machine.X64 or Machine.X86))
            throw new CommandException($"{context.Name}: disassembly is for x86 and x64 targets ({s.Target.Machine} is not yet supported)");
        var args = context.Args;
        bool callsOnly = context.Name == "uf" && args.TryKeyword("/c");
        ulong ip = s.CurrentContext?.InstructionPointer ?? 0;
        ulong address = args.AtEnd || args.Peek is 'L' or 'l' ? (context.Name == "u" && s.NextDisassemblyAddress is ulong next ? next : ip) : args.ReadExpression();
        int count = DefaultCount;
        ulong? end = null;
        if (!args.AtEnd)
        {
            string word = args.Rest;
            if (word.StartsWith('L') || word.StartsWith('l'))
            {
                args.ReadWord();
                string n = word.Length > 1 ? word[1..].Trim() : args.ReadWord();
                count = (int)Math.Clamp(context.Session.CreateEvaluator().Evaluate(n), 1, 100_000);
            }
            else end = args.ReadExpression();
        }

        var dis = new X86Disassembler(s.Memory, s.PointerSize, s.DescribeAddress);
        IReadOnlyList<DisassembledInstruction> list;
        MemoryFault? fault;
        switch (context.Name)
        {
            case "ub":
                // The function start makes the backward decode exact: .pdata first, then the symbol.
                var symbol = s.SymbolTable.LookupAddress(address);
                ulong? start = symbol != null ? new FunctionStarts(s.Memory).Find(symbol.Module.Module.Base, address - 1) : null;
                start ??= symbol?.Symbol != null ? address - symbol.Displacement : null;
                list = dis.Backward(address, count, start, out fault);
                break;
            case "uf":
                var hit = s.SymbolTable.LookupAddress(address);
                if (hit?.Symbol == null) throw new CommandException($"No code found, aborting (no symbol covers {Hex.Address(address)})");
                ulong fstart = address - hit.Displacement;
                // Followed from the entry through its jumps (non-contiguous chunks included).
                list = new FunctionFlow(dis).Follow(fstart, a => s.SymbolTable.LookupAddress(a) is { Symbol: not null, Displacement: 0 } other && a != fstart, out fault);
                break;
            default:
                list = end is ulong e && e > address ? dis.Range(address, Math.Min(e, address + 0x100000), out fault) : dis.Forward(address, count, out fault);
                break;
        }
        if (list.Count > 0) s.NextDisassemblyAddress = list[^1].End;

        var lines = new List<DisassemblyLine>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            var ins = list[i];
            var named = s.SymbolTable.LookupAddress(ins.Address);
            // A label goes on the first line, wherever a symbol starts, and (uf) where a block does
            // not follow the one before, as WinDbg does.
            bool jumpedTo = context.Name == "uf" && i > 0 && list[i - 1].End != ins.Address;
            string? label = i == 0 || jumpedTo || named?.Symbol != null && named.Displacement == 0 ? named?.Display ?? Hex.Address(ins.Address) : null;
            if (callsOnly && !ins.IsCall) continue;
            lines.Add(new DisassemblyLine(callsOnly ? named?.Display : label, ins));
        }
        string? stopped = fault != null ? $"Memory access error at {Hex.Address(fault.Address)}: {fault.Detail}" : null;
        if (list.Count == 0 && stopped == null) stopped = $"No code at {Hex.Address(address)}";
        return new DisassemblyResult(s.PointerSize, lines, stopped, callsOnly);
    }
}
