namespace Ntdbg.Commands.Commands.Exceptions;

/// <summary>An EXCEPTION_RECORD as `.exr` shows it.</summary>
public sealed record ExceptionRecordResult(
    int PointerSize,
    ulong ExceptionAddress,
    string? AddressSymbol,
    uint Code,
    string? CodeName,
    uint Flags,
    IReadOnlyList<ulong> Parameters,
    string? Explanation,
    ulong NestedRecord);
