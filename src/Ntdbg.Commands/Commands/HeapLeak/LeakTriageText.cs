using System.Globalization;
using Ntdbg.Analyses.HeapLeak;

namespace Ntdbg.Commands.Commands.HeapLeak;

/// <summary>
/// `ntdbg triage leak` as text: the dominant memory type, the heaps (biggest first) with their
/// unreferenced blocks, the suspect and why, the owner found by the handle search, the suspect's
/// size classes, the next steps and the notes.
/// </summary>
public sealed class LeakTriageText : Rendering.Text.TextRenderer<HeapLeakReport>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    protected override void Render(HeapLeakReport r, TextWriter o)
    {
        string H(ulong v) => HeapLeakTriage.Hex(v, r.PointerSize);
        o.WriteLine($"dump:        {r.DumpPath}");
        if (r.Usage.Count > 0)
        {
            bool byCommit = r.Usage.All(u => u.CommittedBytes != null);
            var top = byCommit
                ? r.Usage.OrderByDescending(u => u.CommittedBytes).Take(4).Select(u => $"{u.Usage} {HeapLeakTriage.Kb(u.CommittedBytes!.Value)} = {u.ShareOfCommitted?.ToString("P1", Inv)}")
                : r.Usage.OrderByDescending(u => u.Bytes).Take(4).Select(u => $"{u.Usage} {HeapLeakTriage.Kb(u.Bytes)} = {u.ShareOfBusy.ToString("P1", Inv)} of busy");
            o.WriteLine($"memory:      {r.DominantUsage} dominates {(byCommit ? "committed memory" : "busy memory (the dump records no region states)")}: {string.Join(", ", top)}");
        }
        else o.WriteLine("memory:      usage by type unknown (see the notes)");
        o.WriteLine($"heaps:       {r.Heaps.Count}, biggest first");
        o.WriteLine("  Heap                Kind         Commit (k)   Busy blocks     Busy (k)  Unreferenced  Unreferenced (k)");
        foreach (var h in r.Heaps)
            o.WriteLine(string.Format(Inv, "  {0,-18}  {1,-11}  {2,10:N0}  {3,12:N0}  {4,11:N0}  {5,12:N0}  {6,16:N0}{7}",
                H(h.Summary.Address), h.Summary.Kind, h.Summary.CommittedBytes / 1024, h.BusyBlocks, h.BusyBytes / 1024,
                h.UnreferencedBlocks, h.UnreferencedBytes / 1024, ReferenceEquals(h, r.Suspect) ? "  <- suspect" : ""));
        if (r.Suspect == null)
        {
            o.WriteLine($"suspect:     none: {r.SuspectReason}");
        }
        else
        {
            o.WriteLine($"suspect:     heap {H(r.Suspect.Summary.Address)}: {r.SuspectReason}");
            o.WriteLine(r.Owner == null
                ? "owner:       not found in any module's globals"
                : $"owner:       {r.Owner.Symbol ?? r.Owner.Module + "+?"} at {H(r.Owner.Address)} holds the heap handle");
            o.WriteLine($"references:  {r.HandleReferences.Count} place(s) hold {H(r.Suspect.Summary.Address)} (s -q over {HeapLeakTriage.Kb(r.BytesScanned)} of dump memory)");
            foreach (var h in r.HandleReferences.Take(10))
                o.WriteLine($"  {H(h.Address)}  {h.Kind,-15}  {h.Symbol ?? h.Where ?? ""}");
            if (r.HandleReferences.Count > 10) o.WriteLine($"  ... {r.HandleReferences.Count - 10} more");
            o.WriteLine("size classes of the suspect heap (by total bytes):");
            o.WriteLine("      size      blocks        total  unreferenced");
            foreach (var c in r.Suspect.TopSizeClasses)
                o.WriteLine(string.Format(Inv, "  {0,8:x}  {1,10:N0}  {2,11:N0}  {3,12:N0}", c.UserSize, c.Blocks, c.TotalBytes, c.Unreferenced));
            if (r.Suspect.SampleUnreferenced.Count > 0)
                o.WriteLine($"unreferenced blocks, e.g.: {string.Join(" ", r.Suspect.SampleUnreferenced.Select(H))}");
        }
        o.WriteLine("next steps:");
        for (int i = 0; i < r.NextSteps.Count; i++) o.WriteLine($"  {i + 1}. {r.NextSteps[i]}");
        foreach (var n in r.Notes) o.WriteLine($"note:        {n}");
    }
}
