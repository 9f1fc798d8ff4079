using Ntdbg.Analyses.Analyze.BugChecks;
using Ntdbg.Core.Memory;
using Ntdbg.Stacks.Disassembly;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;

namespace Ntdbg.Analyses.Analyze;

/// <summary>
/// The `!analyze -v` engine. User dumps: the exception record and its context. Kernel dumps: the
/// bug check from the catalog, and the records its parameters point at (exception record,
/// context record, trap frame) to find the faulting context; otherwise the bug-checking thread.
/// The stack is walked from that context; the faulting frame is the one at the faulting
/// instruction, or past the bug check machinery; the blamed module is the first frame outside
/// the operating system's own modules when the fault lies in one of them.
/// </summary>
public sealed class CrashAnalyzer(AnalysisInput input)
{
    public const int MaxFrames = 64;

    // Modules whose frames are the system's machinery rather than the culprit (WinDbg's triage list, abridged).
    private static readonly HashSet<string> SystemModules = new(StringComparer.OrdinalIgnoreCase)
    {
        "nt", "hal", "ntdll", "kernelbase", "kernel32", "msvcrt", "ucrtbase", "vcruntime140", "user32", "win32u", "wow64", "wow64cpu",
    };

    private readonly List<string> _notes = [];

    public CrashAnalysis Analyze()
    {
        var target = input.Target;
        return target is IKernelTarget k ? AnalyzeBugCheck(k) : AnalyzeUser(target);
    }

    private CrashAnalysis AnalyzeUser(ITarget target)
    {
        var ex = target.Exception;
        RegisterContext? context = ex?.Context ?? input.CurrentContext;
        string contextSource = ex?.Context != null ? "exception context (.ecxr)" : "current thread";
        if (ex == null) _notes.Add("the dump has no exception record: the current thread is analyzed");
        var summary = ex == null ? null : Summarize(ex.Code, ex.Address, ex.Parameters, null);
        ulong? faultingIp = ex?.Address ?? context?.InstructionPointer;
        return Finish(ex == null ? AnalysisKind.NoException : AnalysisKind.UserException, null, summary, context, contextSource, faultingIp);
    }

    private CrashAnalysis AnalyzeBugCheck(IKernelTarget k)
    {
        var bc = k.Bugcheck;
        uint code = BugCheckCatalog.Normalize(bc.Code);
        var described = BugCheckCatalog.Describe(bc.Code, bc.Parameters);
        string name = BugCheckCatalog.TryGet(bc.Code, out var info) ? info.Name : $"UNKNOWN_BUGCHECK_{bc.Code:X}";
        if (info == null) _notes.Add($"bug check {bc.Code:x} is not in the catalog");
        var args = bc.Parameters.Select((v, i) => new AnalysisArgument(v, i < described.Count ? described[i].Description : "", i < described.Count ? described[i].Role.ToString() : "Unknown")).ToList();
        var bugCheck = new BugCheckSummary(bc.Code, name, info?.Summary ?? "", args);

        ulong? Param(BugCheckParameterRole role)
        {
            for (int i = 0; i < described.Count && i < bc.Parameters.Count; i++)
                if (described[i].Role == role) return bc.Parameters[i];
            return null;
        }

        RegisterContext? context = null;
        string? contextSource = null;
        ExceptionSummary? exception = null;
        ulong? faultingIp = Param(BugCheckParameterRole.ExceptionAddress) ?? Param(BugCheckParameterRole.FaultingInstructionAddress);

        if (Param(BugCheckParameterRole.ExceptionRecord) is ulong recordAt and not 0)
        {
            var record = KernelRecords.ReadExceptionRecord(input.Memory, recordAt, k.PointerSize, out string? problem);
            if (record != null) exception = Summarize(record.Code, record.Address, record.Parameters, recordAt);
            else _notes.Add(problem!);
        }
        if (exception == null && Param(BugCheckParameterRole.ExceptionCode) is ulong exCode)
            exception = Summarize((uint)exCode, faultingIp ?? 0, [], null);
        if (exception == null && Param(BugCheckParameterRole.ReferencedAddress) is ulong referenced && Param(BugCheckParameterRole.AccessType) is ulong access)
            exception = Summarize(0xC0000005, faultingIp ?? 0, [(access & 8) != 0 ? 8UL : access & 1, referenced], null) with { Name = "Access violation (memory referenced at raised IRQL)" };

        if (Param(BugCheckParameterRole.ContextRecord) is ulong contextAt and not 0)
        {
            context = KernelRecords.ReadContext(input.Memory, contextAt, k.Machine, out string? problem);
            if (context != null) contextSource = $".cxr {Hex.Pointer(contextAt, k.PointerSize)} (the bug check's context record)";
            else _notes.Add(problem!);
        }
        if (context == null && Param(BugCheckParameterRole.TrapFrame) is ulong trapAt and not 0)
        {
            string? problem = "nt!_KTRAP_FRAME is not in the kernel's symbols";
            context = input.Symbols.FindType("nt!_KTRAP_FRAME") is { Type: Symbols.Model.UdtType frame }
                ? TrapFrameDecoder.Decode(input.Memory, k.Machine, frame, trapAt, out problem)?.Context
                : null;
            if (context != null) contextSource = $".trap {Hex.Pointer(trapAt, k.PointerSize)} (the bug check's trap frame)";
            else _notes.Add(problem!);
        }
        if (context == null)
        {
            context = input.CurrentContext;
            contextSource = "the bug-checking thread";
        }
        return Finish(AnalysisKind.BugCheck, bugCheck, exception, context, contextSource, faultingIp);
    }

    private ExceptionSummary Summarize(uint code, ulong address, IReadOnlyList<ulong> parameters, ulong? recordAddress)
    {
        string? access = null;
        ulong? accessAddress = null;
        if (code is 0xC0000005 or 0xC0000006 && parameters.Count >= 2)
        {
            access = parameters[0] switch { 0 => "read", 1 => "write", 8 => "execute", _ => null };
            accessAddress = parameters[1];
        }
        return new ExceptionSummary(code, ExceptionCodes.Name(code), ExceptionCodes.Symbol(code), address, parameters, access, accessAddress,
            ExceptionCodes.Explain(code, parameters, input.Target.PointerSize), recordAddress);
    }

    private CrashAnalysis Finish(AnalysisKind kind, BugCheckSummary? bugCheck, ExceptionSummary? exception, RegisterContext? context, string? contextSource, ulong? faultingIp)
    {
        var frames = new List<AnalysisFrame>();
        string? stopped = null;
        if (context != null)
        {
            var (walked, why) = input.Stacks.Walk(context, MaxFrames);
            stopped = why;
            frames.AddRange(walked.Select(f => new AnalysisFrame(f.Number, f.InstructionPointer, f.StackPointer, f.ReturnAddress, Describe(f.InstructionPointer), f.Source)));
        }
        else _notes.Add("no register context: no stack");

        faultingIp ??= context?.InstructionPointer;
        int? faulting = PickFaultingFrame(frames, faultingIp, kind == AnalysisKind.BugCheck);
        ulong? blamedIp = faulting is int fi ? frames[fi].InstructionPointer : faultingIp;
        var hit = blamedIp is ulong b ? input.Symbols.LookupAddress(b) : null;
        var module = blamedIp is ulong m ? input.Symbols.FindByAddress(m) : null;
        string? moduleName = module?.Name;
        string? imageName = module?.Module.FileName;
        string? function = hit?.Symbol?.Name;
        string? symbolName = hit?.Symbol != null ? $"{hit.Module.Name}!{hit.Symbol.Name}+0x{hit.Displacement:x}" : null;
        if (module == null && blamedIp is ulong unknownIp) _notes.Add($"the faulting address {Hex.Pointer(unknownIp, input.Target.PointerSize)} lies in no loaded module (unloaded or hidden code?)");

        string instruction = FaultingInstruction(faultingIp, out string? why2) ?? "";
        if (why2 != null) _notes.Add(why2);
        string problemClass = FailureBucket.ProblemClass(kind, bugCheck, exception);
        string bucket = FailureBucket.Id(kind, bugCheck, exception, problemClass, moduleName, imageName, function);
        string? process = input.Target is IUserTarget && input.Target.Modules.Count > 0 ? input.Target.Modules[0].FileName : null;
        return new CrashAnalysis(kind, bugCheck, exception, contextSource, faultingIp, instruction.Length == 0 ? null : instruction, frames, stopped,
            faulting, symbolName, moduleName, imageName, function, process, problemClass, bucket, _notes);
    }

    private string Describe(ulong address) =>
        input.Symbols.FormatAddress(address) ?? $"0x{Hex.Pointer(address, input.Target.PointerSize)}";

    // The frame at the faulting instruction; for bug checks without one, the first frame past the
    // bug check and trap handlers. Then, if that frame is in a system module, the first frame
    // outside the system's modules (when there is one) is blamed instead.
    private int? PickFaultingFrame(List<AnalysisFrame> frames, ulong? faultingIp, bool kernel)
    {
        if (frames.Count == 0) return null;
        int start = faultingIp is ulong ip && frames.FindIndex(f => f.InstructionPointer == ip) is int at and >= 0 ? at : -1;
        if (start < 0 && kernel)
            start = frames.FindIndex(f => !IsBugCheckMachinery(f.InstructionPointer));
        if (start < 0) start = 0;
        if (!IsSystem(frames[start].InstructionPointer)) return start;
        for (int i = start + 1; i < frames.Count; i++)
            if (!IsSystem(frames[i].InstructionPointer) && input.Symbols.FindByAddress(frames[i].InstructionPointer) != null) return i;
        return start;
    }

    private bool IsSystem(ulong address) => input.Symbols.FindByAddress(address) is { } m && SystemModules.Contains(m.Name);

    private bool IsBugCheckMachinery(ulong address)
    {
        string? name = input.Symbols.LookupAddress(address)?.Symbol?.Name;
        return name != null && (name.StartsWith("KeBugCheck", StringComparison.Ordinal) || name.StartsWith("KiBugCheck", StringComparison.Ordinal)
            || name.StartsWith("KiTrap", StringComparison.Ordinal) || name.StartsWith("KiPageFault", StringComparison.Ordinal)
            || name.StartsWith("KiExceptionDispatch", StringComparison.Ordinal) || name.StartsWith("KiSystemServiceHandler", StringComparison.Ordinal)
            || name.StartsWith("KiDispatchException", StringComparison.Ordinal) || name.StartsWith("RtlDispatchException", StringComparison.Ordinal)
            || name.StartsWith("KiRaiseException", StringComparison.Ordinal) || name.StartsWith("RtlRaiseStatus", StringComparison.Ordinal)
            || name.StartsWith("PspSystemThreadStartup$filt", StringComparison.Ordinal) || name.Contains("$filt", StringComparison.Ordinal)
            || name.StartsWith("_C_specific_handler", StringComparison.Ordinal) || name.StartsWith("RtlpExecuteHandlerForException", StringComparison.Ordinal));
    }

    private string? FaultingInstruction(ulong? ip, out string? problem)
    {
        problem = null;
        if (ip is not ulong at) return null;
        var disassembler = new X86Disassembler(input.Memory, input.Target.PointerSize, a => input.Symbols.FormatAddress(a));
        var i = disassembler.DecodeOne(at, out var fault);
        if (i == null)
        {
            problem = $"the faulting instruction at {Hex.Pointer(at, input.Target.PointerSize)} is not in the dump or a stored image: {fault?.Detail ?? "unreadable"}";
            return null;
        }
        return i.Line(input.Target.PointerSize);
    }
}
