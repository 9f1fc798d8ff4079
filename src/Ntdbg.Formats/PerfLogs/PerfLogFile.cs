namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// Opens a counter log of any kind the readers know, by its content (a .blg's signature) rather
/// than its name, so a renamed file still reads.
/// </summary>
public static class PerfLogFile
{
    public static CounterLog Read(string path)
    {
        var head = new byte[64];
        int read;
        using (var stream = File.OpenRead(path)) read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return PerfCsvReader.LooksLikePdhText(head.AsSpan(0, read)) ? PerfCsvReader.Read(path) : BlgReader.Read(path);
    }
}
