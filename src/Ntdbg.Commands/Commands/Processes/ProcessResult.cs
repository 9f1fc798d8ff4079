namespace Ntdbg.Commands.Commands.Processes;

/// <summary>
/// `!process`: one kernel process's _EPROCESS summary. Values the symbols or the dump cannot
/// supply are null; Notes say which and why.
/// Threads: what the flags asked for (null: none asked). A null-or-zero Session means "no session".
/// </summary>
public sealed record ProcessResult(
    int PointerSize,
    ulong Address,
    ulong? Session,
    ulong? SessionId,
    ulong? UniqueProcessId,
    ulong? Peb,
    ulong? ParentId,
    ulong? DirectoryTableBase,
    ulong? ObjectTable,
    ulong? HandleCount,
    string? ImageFileName,
    IReadOnlyList<string> Notes,
    IReadOnlyList<Threads.KernelThreadResult>? Threads = null);
