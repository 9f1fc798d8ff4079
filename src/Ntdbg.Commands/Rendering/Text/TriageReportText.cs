using Ntdbg.Analyses.Analyze;
using Ntdbg.Commands.Commands.Analyze;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>The triage report: one line per fact, then the top frames — what an engineer pastes into a ticket.</summary>
public sealed class TriageReportText : TextRenderer<TriageReport>
{
    protected override void Render(TriageReport r, TextWriter o)
    {
        var a = r.Analysis;
        string P(ulong v) => Hex.Pointer(v, r.PointerSize);
        o.WriteLine($"dump:      {r.DumpPath}");
        if (a.BugCheck is { } bc)
            o.WriteLine($"bugcheck:  {bc.Name} ({bc.Code:x}) {string.Join(' ', bc.Arguments.Select(x => $"{x.Value:x}"))}");
        if (a.Exception is { } ex)
            o.WriteLine($"exception: {ex.Code:x8}{(ex.Name != null ? $" ({ex.Name})" : "")} at {P(ex.Address)}{(ex.Explanation != null ? $": {ex.Explanation}" : "")}");
        if (a.Kind == AnalysisKind.NoException) o.WriteLine("exception: none recorded (current thread analyzed)");
        if (a.ProcessName != null) o.WriteLine($"process:   {a.ProcessName}");
        if (a.FaultingInstruction != null) o.WriteLine($"faulting:  {a.FaultingInstruction}");
        o.WriteLine($"culprit:   {a.ImageName ?? "Unknown_Image"} ({a.SymbolName ?? a.ModuleName ?? "unknown"})");
        o.WriteLine($"bucket:    {a.FailureBucketId}");
        o.WriteLine("stack:");
        foreach (var f in a.Stack.Take(r.TopFrames))
            o.WriteLine($"  {f.Number:x2} {P(f.InstructionPointer)} {f.CallSite}{(f.Number == a.FaultingFrame ? "   <== faulting frame" : "")}");
        if (a.Stack.Count > r.TopFrames) o.WriteLine($"  ... {a.Stack.Count - r.TopFrames} more frames (!analyze -v shows them)");
        foreach (string note in a.Notes) o.WriteLine($"note:      {note}");
    }
}
