namespace Ntdbg.Core.Errors;

/// <summary>
/// A file is malformed or exceeds a limit. The message is one line: file, offset and problem,
/// so the CLI can print it as-is.
/// </summary>
public sealed class DumpFormatException : Exception
{
    public DumpFormatException(string file, long offset, string problem)
        : base($"{Path.GetFileName(file)}: offset 0x{offset:x}: {problem}")
    {
        File = file;
        Offset = offset;
        Problem = problem;
    }

    public string File { get; }
    public long Offset { get; }
    public string Problem { get; }
}
