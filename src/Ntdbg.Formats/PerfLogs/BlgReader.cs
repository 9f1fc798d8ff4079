using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>Reads a perfmon binary log (.blg). See docs/perflog-blg.md for the layout.</summary>
public static class BlgReader
{
    public static CounterLog Read(string path) => throw new DumpFormatException(path, 0, "the .blg reader is not written yet");
}
