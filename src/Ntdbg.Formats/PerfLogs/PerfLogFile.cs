namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// Opens a counter log of any kind the readers know, by its content (a .blg's ETW logfile header,
/// else PDH CSV/TSV text) rather than its name, so a renamed file still reads.
/// </summary>
public static class PerfLogFile
{
    public static CounterLog Read(string path, CounterSelector? selector = null)
    {
        var head = new byte[0x100];
        int read;
        using (var stream = File.OpenRead(path)) read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (!BlgReader.LooksLikeBlg(head.AsSpan(0, read))) return PerfCsvReader.Read(path, selector);
        var log = BlgReader.Read(path);
        return selector == null ? log : log with { Series = [.. selector.Select(log)] };
    }
}
