using Ntdbg.Analyses.Analyze;
using Ntdbg.Commands.Commands.Analyze;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// !analyze as WinDbg lays it out: the starred banner, the bug check name and arguments (or the
/// exception), then with -v "Debugging Details": the exception record, context, faulting
/// instruction, STACK_TEXT and the SYMBOL_NAME / MODULE_NAME / IMAGE_NAME / FAILURE_BUCKET_ID keys.
/// </summary>
public sealed class AnalyzeText : TextRenderer<AnalyzeResult>
{
    private const string Stars = "*******************************************************************************";

    protected override void Render(AnalyzeResult result, TextWriter o)
    {
        var a = result.Analysis;
        int ps = result.PointerSize;
        string P(ulong v) => Hex.Pointer(v, ps);
        o.WriteLine(Stars);
        o.WriteLine("*                                                                             *");
        o.WriteLine(a.Kind == AnalysisKind.BugCheck
            ? "*                        Bugcheck Analysis                                    *"
            : "*                        Exception Analysis                                   *");
        o.WriteLine("*                                                                             *");
        o.WriteLine(Stars);
        o.WriteLine();
        if (a.BugCheck is { } bc)
        {
            o.WriteLine($"{bc.Name} ({bc.Code:x})");
            if (bc.Summary.Length > 0) o.WriteLine(bc.Summary);
            o.WriteLine("Arguments:");
            for (int i = 0; i < bc.Arguments.Count; i++)
                o.WriteLine($"Arg{i + 1}: {(ps == 8 ? bc.Arguments[i].Value.ToString("x16") : bc.Arguments[i].Value.ToString("x8"))}, {bc.Arguments[i].Meaning}");
            o.WriteLine();
        }
        if (!result.Verbose)
        {
            RenderKeys(a, o, brief: true);
            return;
        }
        o.WriteLine("Debugging Details:");
        o.WriteLine("------------------");
        o.WriteLine();
        if (a.Exception is { } ex)
        {
            if (ex.RecordAddress is ulong rec) o.WriteLine($"EXCEPTION_RECORD:  {P(rec)} -- (.exr 0x{rec:x})");
            o.WriteLine($"ExceptionAddress: {P(ex.Address)}{Named(a, ex.Address)}");
            o.WriteLine($"   ExceptionCode: {ex.Code:x8}{(ex.Name != null ? $" ({ex.Name})" : "")}");
            o.WriteLine($"NumberParameters: {ex.Parameters.Count}");
            for (int i = 0; i < ex.Parameters.Count; i++) o.WriteLine($"   Parameter[{i}]: {P(ex.Parameters[i])}");
            if (ex.Explanation != null) o.WriteLine(ex.Explanation);
            o.WriteLine();
            o.WriteLine($"EXCEPTION_CODE_STR:  {ex.Code:x8}{(ex.Symbol != null ? $" ({ex.Symbol})" : "")}");
            if (ex.Access != null) o.WriteLine($"{(ex.Access == "write" ? "WRITE" : ex.Access == "execute" ? "EXECUTE" : "READ")}_ADDRESS:  {P(ex.AccessAddress ?? 0)}");
            o.WriteLine();
        }
        if (a.ContextSource != null) o.WriteLine($"CONTEXT:  {a.ContextSource}");
        if (a.ProcessName != null) o.WriteLine($"PROCESS_NAME:  {a.ProcessName}");
        o.WriteLine();
        if (a.FaultingIp is ulong ip)
        {
            o.WriteLine("FAULTING_IP: ");
            o.WriteLine($"{a.Stack.FirstOrDefault(f => f.InstructionPointer == ip)?.CallSite ?? P(ip)}");
            if (a.FaultingInstruction != null) o.WriteLine(a.FaultingInstruction);
            o.WriteLine();
        }
        o.WriteLine("STACK_TEXT:  ");
        foreach (var f in a.Stack)
            o.WriteLine($"{P(f.StackPointer)} {P(f.ReturnAddress)} : {f.CallSite}{Source(f)}");
        if (a.StackStopped != null) o.WriteLine(a.StackStopped);
        o.WriteLine();
        RenderKeys(a, o, brief: false);
        foreach (string note in a.Notes) o.WriteLine($"NOTE: {note}");
    }

    private static void RenderKeys(CrashAnalysis a, TextWriter o, bool brief)
    {
        if (brief)
        {
            o.WriteLine($"Probably caused by : {a.ImageName ?? "Unknown_Image"} ( {a.SymbolName ?? a.ModuleName ?? "Unknown_Module"} )");
            o.WriteLine();
            o.WriteLine($"FAILURE_BUCKET_ID:  {a.FailureBucketId}");
            return;
        }
        if (a.FaultingFrame is int n) o.WriteLine($"FAULTING_FRAME:  {n:x2}");
        o.WriteLine($"SYMBOL_NAME:  {a.SymbolName ?? "unknown"}");
        o.WriteLine($"MODULE_NAME: {a.ModuleName ?? "Unknown_Module"}");
        o.WriteLine($"IMAGE_NAME:  {a.ImageName ?? "Unknown_Image"}");
        o.WriteLine($"PROBLEM_CLASS:  {a.ProblemClass}");
        o.WriteLine($"FAILURE_BUCKET_ID:  {a.FailureBucketId}");
        o.WriteLine();
    }

    private static string Named(CrashAnalysis a, ulong address) =>
        a.Stack.FirstOrDefault(f => f.InstructionPointer == address) is { } f ? $" ({f.CallSite})" : "";

    private static string Source(AnalysisFrame f) => f.Source switch
    {
        Stacks.Unwind.FrameSource.Scan => " (found by stack scan)",
        Stacks.Unwind.FrameSource.FramePointer => " (found by frame pointer)",
        _ => "",
    };
}
