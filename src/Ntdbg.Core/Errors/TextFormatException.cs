namespace Ntdbg.Core.Errors;

/// <summary>
/// A text log (poolmon, counter CSV) is malformed or exceeds a limit. One line: file, line number
/// and problem, so the CLI can print it as-is; text files are read by line, not by offset.
/// </summary>
public sealed class TextFormatException : Exception
{
    public TextFormatException(string file, int line, string problem)
        : base(line > 0 ? $"{Path.GetFileName(file)}: line {line}: {problem}" : $"{Path.GetFileName(file)}: {problem}")
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    public string File { get; }

    /// <summary>1-based; 0 when the problem is the whole file (e.g. its size).</summary>
    public int Line { get; }

    public string Problem { get; }
}
