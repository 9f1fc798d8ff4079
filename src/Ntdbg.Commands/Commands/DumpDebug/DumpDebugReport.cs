namespace Ntdbg.Commands.Commands.DumpDebug;

/// <summary>One header field as `.dumpdebug` prints it; Value is null when the file marks it absent ('PAGE').</summary>
public sealed record DumpField(string Name, ulong? Value, int Width);

public sealed record DumpSection(string Name, IReadOnlyList<DumpField> Fields);

/// <summary>The dump file's own headers, field by field, and its warnings (truncation...).</summary>
public sealed record DumpDebugReport(string Title, IReadOnlyList<DumpSection> Sections, IReadOnlyList<string> StreamLines, IReadOnlyList<string> Warnings);
