namespace Ntdbg.Targets.Model;

/// <summary>An EXCEPTION_RECORD (and its chain) as stored in a dump.</summary>
public sealed record ExceptionInfo(
    uint ThreadId,
    uint Code,
    uint Flags,
    ulong Record,
    ulong Address,
    IReadOnlyList<ulong> Parameters,
    RegisterContext? Context,
    ExceptionInfo? Inner = null);

/// <summary>The stop code and its four parameters.</summary>
public sealed record BugcheckInfo(uint Code, IReadOnlyList<ulong> Parameters);
