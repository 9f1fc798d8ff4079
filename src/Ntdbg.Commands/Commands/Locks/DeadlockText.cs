using Ntdbg.Analyses.Locks;
using Ntdbg.Commands.Rendering.Text;

namespace Ntdbg.Commands.Commands.Locks;

/// <summary>
/// The part of `!cs` and `!locks` WinDbg leaves to the reader: the blocked threads with the lock
/// each waits for and why we think so, each wait-for cycle as the chain thread → lock → owner, and
/// the stacks of the threads in it.
/// </summary>
internal static class DeadlockText
{
    public static string Thread(int index, uint id, string? name) =>
        (index >= 0 ? $"~{index} " : "") + $"(thread {id:x}{(name != null ? $" \"{name}\"" : "")})";

    public static string Lock(ulong address, string? name) => name != null ? $"{name} ({address:x})" : $"{address:x}";

    public static void Write(IReadOnlyList<LockWait> waits, IReadOnlyList<DeadlockCycle> cycles, IReadOnlyList<ThreadStack> stacks,
        IEnumerable<ThreadStack> alreadyShown, TextWriter o)
    {
        if (waits.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("Blocked threads:");
            foreach (var w in waits)
            {
                string what = w.Kind == LockWaitKind.SrwLock
                    ? $"SRW lock {(w.Lock is { } a ? Lock(a, w.LockName) : "(address unknown)")}, owner not recorded by SRW locks"
                    : $"critical section {Lock(w.Lock!.Value, w.LockName)}";
                o.WriteLine($"  {Thread(w.ThreadIndex, w.ThreadId, w.ThreadName)} waits for {what}");
                o.WriteLine($"      evidence: {w.Evidence}");
            }
        }
        var shown = alreadyShown.Select(x => x.ThreadId).ToHashSet();
        foreach (var cycle in cycles)
        {
            o.WriteLine();
            o.WriteLine($"DEADLOCK: {cycle.Steps.Count} threads wait for each other:");
            foreach (var step in cycle.Steps)
            {
                var next = cycle.Steps.First(x => x.ThreadId == step.OwnerThreadId);
                o.WriteLine($"  {Thread(step.ThreadIndex, step.ThreadId, step.ThreadName)} waits for {Lock(step.Lock, step.LockName)}, owned by {Thread(next.ThreadIndex, next.ThreadId, next.ThreadName)}");
            }
            foreach (var step in cycle.Steps)
            {
                if (!shown.Add(step.ThreadId)) continue;
                if (stacks.FirstOrDefault(x => x.ThreadId == step.ThreadId) is { } st) WriteStack(st, o);
            }
        }
    }

    public static void WriteStack(ThreadStack st, TextWriter o)
    {
        o.WriteLine();
        o.WriteLine($"Stack of {Thread(st.Index, st.ThreadId, st.Name)}:");
        if (st.Stack == null)
        {
            o.WriteLine($"  {st.Missing}");
            return;
        }
        o.WriteLine(st.Stack.PointerSize == 4 ? " # ChildEBP RetAddr  " : " # Child-SP          RetAddr               Call Site");
        foreach (var l in st.Stack.Lines) o.WriteLine(StackText.Line(l, st.Stack.PointerSize, true));
        if (st.Stack.Stopped != null) o.WriteLine(st.Stack.Stopped);
    }

    public static void Notes(IReadOnlyList<string> notes, TextWriter o)
    {
        if (notes.Count == 0) return;
        o.WriteLine();
        foreach (var n in notes) o.WriteLine("NOTE: " + n);
    }
}
