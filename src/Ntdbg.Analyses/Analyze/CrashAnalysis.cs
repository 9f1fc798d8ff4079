using Ntdbg.Stacks.Unwind;

namespace Ntdbg.Analyses.Analyze;

public enum AnalysisKind
{
    /// <summary>A user dump with an exception record.</summary>
    UserException,
    /// <summary>A kernel dump: the bug check and what its parameters point at.</summary>
    BugCheck,
    /// <summary>A dump without an exception or bug check: the current thread is analyzed.</summary>
    NoException,
}

/// <summary>One bug check argument as !analyze prints it: "Arg1: value, what it means".</summary>
public sealed record AnalysisArgument(ulong Value, string Meaning, string Role);

/// <summary>The bug check: code, name, the catalog's summary and the four arguments.</summary>
public sealed record BugCheckSummary(uint Code, string Name, string Summary, IReadOnlyList<AnalysisArgument> Arguments);

/// <summary>The exception the crash is about (the dump's, or the one a bug check parameter points at).</summary>
public sealed record ExceptionSummary(
    uint Code,
    string? Name,
    string? Symbol,
    ulong Address,
    IReadOnlyList<ulong> Parameters,
    string? Access,
    ulong? AccessAddress,
    string? Explanation,
    ulong? RecordAddress);

/// <summary>One frame of the faulting stack, named.</summary>
public sealed record AnalysisFrame(int Number, ulong InstructionPointer, ulong StackPointer, ulong ReturnAddress, string CallSite, FrameSource Source);

/// <summary>
/// What `!analyze -v` and `ntdbg triage crash` report: the failure (bug check or exception), the
/// context it was analyzed in, the faulting instruction and stack, the module and function
/// blamed, and the debugger-style bucket. Every field may be null where the dump does not hold
/// the evidence; <see cref="Notes"/> says what was missing.
/// </summary>
public sealed record CrashAnalysis(
    AnalysisKind Kind,
    BugCheckSummary? BugCheck,
    ExceptionSummary? Exception,
    string? ContextSource,
    ulong? FaultingIp,
    string? FaultingInstruction,
    IReadOnlyList<AnalysisFrame> Stack,
    string? StackStopped,
    int? FaultingFrame,
    string? SymbolName,
    string? ModuleName,
    string? ImageName,
    string? FunctionName,
    string? ProcessName,
    string ProblemClass,
    string FailureBucketId,
    IReadOnlyList<string> Notes);
