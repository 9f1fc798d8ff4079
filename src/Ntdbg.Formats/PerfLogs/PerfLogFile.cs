namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// Opens a counter log of any kind the readers know, by its content (a .blg's signature) rather
/// than its name, so a renamed file still reads.
/// </summary>
public static class PerfLogFile
{
    public static CounterLog Read(string path)
    {
        return BlgReader.Read(path);
    }
}
