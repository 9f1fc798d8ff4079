using Ntdbg.Analyses.Heaps;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Language;

namespace Ntdbg.Commands.Commands.Heap;

/// <summary>
/// !heap: the process's heaps, whichever allocator made them (NT heap, segment heap, Wine's heap, chosen
/// by signature). No arguments lists them; -s summarises each (WinDbg's !heap -s columns); -stat [-h heap]
/// is the busy-block size histogram; -p -a address names the heap and block holding an address; -h heap
/// shows one heap's ranges and blocks. A dump without heaps gets an empty result that says what is missing.
/// </summary>
[Command("!heap", Summary = "Process heaps: list, summary (-s), size histogram (-stat), block of an address (-p -a), blocks (-h)",
    Usage = "!heap | !heap -s | !heap -stat [-h Heap] | !heap -p -a Address | !heap -h Heap", Scope = CommandScope.User)]
public sealed class HeapCommand : ICommand
{
    public const int StatMaxDisplay = 20;

    public object? Execute(CommandContext context)
    {
        var words = context.Args.Rest.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        bool summary = false, stat = false, page = false;
        ulong? heap = null, address = null;
        for (int i = 0; i < words.Length; i++)
        {
            switch (words[i].ToLowerInvariant())
            {
                case "-s": summary = true; break;
                case "-stat": stat = true; break;
                case "-p": page = true; break;
                case "-h": heap = Value(context, words, ++i, "-h needs a heap address"); break;
                case "-a": address = Value(context, words, ++i, "-a needs an address"); break;
                default: throw new CommandException($"!heap: unexpected argument '{words[i]}' (usage: {Usage})");
            }
        }
        if (page && address == null) throw new CommandException("!heap -p: only -p -a Address is supported");
        var session = context.Session;
        var heaps = HeapProcess.Find(session);
        if (address is { } a) return HeapQueries.Address(heaps, a, session.PointerSize);
        if (stat) return HeapQueries.Stat(heaps, heap, StatMaxDisplay);
        if (summary) return HeapQueries.Summary(heaps, heap, session.PointerSize);
        if (heap is { } h) return HeapQueries.Blocks(heaps, h, session.PointerSize);
        return new HeapListResult(heaps.Peb, heaps.ProcessHeap, [.. heaps.Heaps.Select(w => new HeapListEntry(w.Address, w.Kind))], heaps.Notes);
    }

    private const string Usage = "!heap | !heap -s | !heap -stat [-h Heap] | !heap -p -a Address | !heap -h Heap";

    private static ulong Value(CommandContext context, string[] words, int index, string missing)
    {
        if (index >= words.Length) throw new CommandException("!heap: " + missing);
        return new ArgumentReader(words[index], context.Session.CreateEvaluator()).ReadExpression();
    }
}
