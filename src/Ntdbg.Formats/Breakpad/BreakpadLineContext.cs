using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.Breakpad;

/// <summary>Where a line of a symbol file is, so every error names the file, the line's offset and its number.</summary>
internal readonly record struct BreakpadLineContext(string File, long Number, long Offset)
{
    public DumpFormatException Error(string problem) => new(File, Offset, $"line {Number}: {problem}");
}
