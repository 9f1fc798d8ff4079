using Ntdbg.Analyses.Stacks;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Loading;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets.Model;

namespace Ntdbg.Analyses.Locks;

/// <summary>
/// The critical sections of a user process and who waits for whom. Sections come from, in order:
/// the addresses asked about; the process lock list from its head ntdll!RtlCriticalSectionList
/// when ntdll's symbols name it; globals whose type is RTL_CRITICAL_SECTION in any module's
/// private symbols; the PEB's FastPebLock and LoaderLock; the ProcessLocksList ring of every section found so far (how the list is
/// reached without ntdll's symbols); and pointers on blocked threads' stacks to sections whose
/// debug record points back at them. Each blocked thread's lock comes from <see cref="LockWaitFinder"/>;
/// the wait-for graph (thread → lock → owning thread) has at most one edge per thread, so each
/// cycle is found by following edges until a thread repeats.
/// </summary>
public static class LockAnalysis
{
    private static readonly string[] CriticalSectionTypes = ["_RTL_CRITICAL_SECTION", "RTL_CRITICAL_SECTION", "CRITICAL_SECTION", "_CRITICAL_SECTION"];

    public static LockReport Analyze(IVirtualMemory memory, int pointerSize, SymbolManager symbols, TargetStacks stacks,
        IReadOnlyList<ThreadInfo> threads, IReadOnlyList<ulong> addresses)
    {
        var notes = new List<string>();
        var reader = new CriticalSectionReader(memory, pointerSize, symbols.FormatAddress);
        var found = new Dictionary<ulong, CriticalSectionInfo>();
        foreach (ulong a in addresses)
        {
            var cs = reader.Read(a, "address given", out string? error);
            if (cs == null) { notes.Add(error!); continue; }
            if (!CriticalSectionReader.Confirmed(cs) && !CriticalSectionReader.Plausible(cs))
                notes.Add($"{a:x} does not look like a critical section (its debug record does not point back and its counts are inconsistent)");
            found[a] = cs;
        }

        string? listSource = null;
        if (symbols.TryResolve("ntdll!RtlCriticalSectionList", out ulong head))
        {
            listSource = "ntdll!RtlCriticalSectionList";
            ProcessLocksListWalker.Walk(reader, head, "process lock list", found, notes);
        }
        AddTypedGlobals(reader, symbols, found);
        foreach (var (name, address) in PebLocks.Find(reader, threads))
            if (!found.ContainsKey(address) && reader.Read(address, name, out _) is { } peb && CriticalSectionReader.Confirmed(peb))
                found[address] = peb;
        var walked = new HashSet<ulong>();
        foreach (var cs in found.Values.ToList())
        {
            if (cs.Debug == null || !CriticalSectionReader.Confirmed(cs) || !walked.Add(cs.Address)) continue;
            int before = found.Count;
            ProcessLocksListWalker.Walk(reader, cs.DebugInfo + (ulong)reader.Layout.DebugProcessLocksList, "process lock list", found, notes);
            foreach (ulong a in found.Keys) walked.Add(a);
            if (found.Count > before) listSource ??= $"ProcessLocksList of {cs.Name ?? cs.Address.ToString("x")}";
        }
        if (listSource == null)
            notes.Add("the process lock list was not found: ntdll's symbols do not name RtlCriticalSectionList and no known section's ProcessLocksList links to others (Wine links each section to itself)");

        // Sections confirmed by their debug record may be found through the stacks of waiting threads.
        CriticalSectionInfo? Lookup(ulong a)
        {
            if (found.TryGetValue(a, out var known)) return known;
            var cs = reader.Read(a, "pointer on a waiting thread's stack", out _);
            if (cs == null || !CriticalSectionReader.Confirmed(cs) || !CriticalSectionReader.Plausible(cs)) return null;
            found[a] = cs;
            return cs;
        }

        var finder = new LockWaitFinder(memory, pointerSize, symbols, stacks);
        var waits = new List<LockWait>();
        foreach (var t in threads)
            if (finder.Find(t, Lookup, notes) is { } w) waits.Add(w);

        var sections = found.Values.OrderBy(c => c.Address).ToList();
        foreach (var cs in sections.Where(c => c.Locked))
        {
            int seen = waits.Count(w => w.Lock == cs.Address);
            if (seen < cs.Waiters)
                notes.Add($"{cs.Name ?? cs.Address.ToString("x")}: LockCount says {cs.Waiters} waiting thread(s), the stacks show {seen}");
        }
        return new LockReport(sections, waits, Cycles(waits, sections, threads), listSource, notes);
    }

    private static void AddTypedGlobals(CriticalSectionReader reader, SymbolManager symbols, Dictionary<ulong, CriticalSectionInfo> found)
    {
        foreach (var module in symbols.Modules)
        {
            var source = symbols.EnsureLoaded(module);
            if (source?.Types == null) continue;
            foreach (var symbol in source.Symbols)
            {
                if (symbol.Kind != SymbolEntryKind.Data) continue;
                if (source.TypeOf(symbol) is not { } type || !CriticalSectionTypes.Contains(type.Name)) continue;
                ulong address = module.Module.Base + symbol.Rva;
                if (found.ContainsKey(address)) continue;
                if (reader.Read(address, "symbol type", out _) is { } cs && (CriticalSectionReader.Confirmed(cs) || CriticalSectionReader.Plausible(cs)))
                    found[address] = cs;
                if (found.Count >= ProcessLocksListWalker.MaxEntries) return;
            }
        }
    }

    private static List<DeadlockCycle> Cycles(List<LockWait> waits, List<CriticalSectionInfo> sections, IReadOnlyList<ThreadInfo> threads)
    {
        var owner = sections.Where(c => c.Locked).ToDictionary(c => c.Address, c => c.OwnerThreadId);
        var waitOf = new Dictionary<uint, LockWait>();
        foreach (var w in waits.Where(w => w.Kind == LockWaitKind.CriticalSection && w.Lock is not null))
            waitOf.TryAdd(w.ThreadId, w);
        var cycles = new List<DeadlockCycle>();
        var inCycle = new HashSet<uint>();
        foreach (var start in threads.Select(t => t.ThreadId))
        {
            var path = new List<uint>();
            uint t = start;
            while (!path.Contains(t) && !inCycle.Contains(t) && waitOf.TryGetValue(t, out var w) && owner.TryGetValue(w.Lock!.Value, out uint next))
            {
                path.Add(t);
                t = next;
            }
            if (!path.Contains(t)) continue;
            var loop = path.Skip(path.IndexOf(t)).ToList();
            foreach (uint id in loop) inCycle.Add(id);
            cycles.Add(new DeadlockCycle([.. loop.Select(id =>
            {
                var w = waitOf[id];
                return new DeadlockStep(id, w.ThreadIndex, w.ThreadName, w.Lock!.Value, w.LockName, owner[w.Lock.Value]);
            })]));
        }
        return cycles;
    }
}
