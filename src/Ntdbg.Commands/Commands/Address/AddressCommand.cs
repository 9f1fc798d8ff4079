using Ntdbg.Analyses.AddressMap;
using Ntdbg.Analyses.Heaps;
using Ntdbg.Commands.Commands.Heap;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets;

namespace Ntdbg.Commands.Commands.Address;

/// <summary>
/// !address -summary | !address Address: the user process's memory by usage (Free, Heap, Image,
/// Stack, TEB, PEB, Other, &lt;unknown&gt;), type, state and protection, or the one region holding an
/// address with its owner. Built from the MemoryInfoList, modules, thread stacks, TEBs, the PEB and the
/// heaps the walkers recognise; inferred (and said so) when the dump has no MemoryInfoList.
/// </summary>
[Command("!address", Summary = "User-mode memory regions by usage, type, state and protection",
    Usage = "!address -summary | !address Address", Scope = CommandScope.User)]
public sealed class AddressCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        if (s.Target is not IUserTarget user) throw new CommandException("!address: only user dumps are supported");
        var args = context.Args;
        string rest = args.Rest.Trim();
        if (rest.Length == 0)
            throw new CommandException("!address: give -summary or an address (the full region list and -f filters are not implemented)");
        if (rest.Equals("-summary", StringComparison.OrdinalIgnoreCase))
            return new AddressSummaryResult(AddressSummary.Of(BuildMap(s, user)));
        if (rest.StartsWith('-')) throw new CommandException($"!address: unknown option '{rest.Split(' ')[0]}' (use -summary or an address)");
        ulong address = args.ReadExpression();
        var map = BuildMap(s, user);
        return new AddressDetailResult(address, map.Source, map.PointerSize, map.ProcessId, map.Find(address), map.Notes);
    }

    /// <summary>The map of the session's process: its heaps found through the PEB (and by signature at private allocations) with ntdll's heap types, where symbols have them.</summary>
    public static AddressMap BuildMap(DebugSession s, IUserTarget user, HeapList? heaps = null) =>
        AddressMapBuilder.Build(AddressMapInput.From(user, heaps ?? HeapProcess.Find(s), s.Modules.All));
}
