using Ntdbg.Commands.Commands.Stacks;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>!stacks: "Proc.Thread .Thread ... Blocker" then each thread's frames under its first.</summary>
public sealed class StacksText : TextRenderer<StacksResult>
{
    protected override void Render(StacksResult r, TextWriter o)
    {
        o.WriteLine("Proc.Thread  .Thread  ThreadState  Blocker");
        string width = new(' ', 13 + 2 * r.PointerSize + 13);
        foreach (var t in r.Threads)
        {
            string head = $"{t.Process:x}.{t.ThreadId:x6}  {t.Thread:x} ?";
            o.WriteLine($"{head,-1}  {(t.Frames.Count > 0 ? t.Frames[0] : "")}");
            if (r.Detail > 0)
                foreach (string f in t.Frames.Skip(1)) o.WriteLine($"{width}{f}");
        }
        o.WriteLine();
        o.WriteLine($"Threads Processed: {r.ThreadsKnown}{(r.Filter != null ? $" (shown: {r.Threads.Count}, filter \"{r.Filter}\")" : "")}");
        o.WriteLine("(a triage dump lists only the threads it holds; a full or kernel memory dump lists every process's threads)");
    }
}
