using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>Parses one table entry out of a span that holds at least the entry's known fields.</summary>
public delegate T EntryParser<T>(ReadOnlySpan<byte> entry);

/// <summary>
/// A user-mode minidump: header, stream directory and bounds-checked access to stream bodies.
/// The individual streams are decoded by the <c>*Stream</c> classes beside this one. Problems that
/// still leave the dump usable (truncation, skipped streams) are collected in <see cref="Warnings"/>.
/// </summary>
public sealed class MinidumpFile : IDisposable
{
    private readonly List<string> _warnings = [];
    private readonly bool _ownsFile;
    private long _requiredLength;

    private MinidumpFile(MappedFile file, bool ownsFile)
    {
        File = file;
        _ownsFile = ownsFile;
        Header = MinidumpHeader.Read(file);
        Directory = ReadDirectory();
    }

    public MappedFile File { get; }
    public MinidumpHeader Header { get; }
    public IReadOnlyList<MinidumpDirectoryEntry> Directory { get; }
    public IReadOnlyList<string> Warnings => _warnings;
    public string Path => File.Path;

    /// <summary>The largest file offset any parsed structure or memory range refers to.</summary>
    public long RequiredLength => _requiredLength;

    /// <summary>Bytes the dump refers to beyond the end of the file (0 when complete).</summary>
    public long MissingBytes => Math.Max(0, _requiredLength - File.Length);

    /// <summary>
    /// True when a cut-off structure may refer to more data than was seen, so <see cref="MissingBytes"/>
    /// is a lower bound rather than the exact count.
    /// </summary>
    public bool MissingBytesIsLowerBound { get; private set; }

    public static MinidumpFile Open(string path)
    {
        var file = MappedFile.Open(path);
        try { return new MinidumpFile(file, ownsFile: true); }
        catch { file.Dispose(); throw; }
    }

    /// <summary>Opens a dump over an already mapped file; the caller keeps ownership of it.</summary>
    public static MinidumpFile Open(MappedFile file) => new(file, ownsFile: false);

    public void Warn(string message)
    {
        if (!_warnings.Contains(message)) _warnings.Add(message);
    }

    /// <summary>Records that the dump refers to file bytes up to <paramref name="end"/> (for the truncation report).</summary>
    public void NoteExtent(long end)
    {
        if (end > _requiredLength) _requiredLength = end;
    }

    public DumpFormatException Error(long offset, string problem) => new(File.Path, offset, problem);

    /// <summary>The first non-empty stream of the given type (dbghelp uses the first one too).</summary>
    public MinidumpDirectoryEntry? Find(MinidumpStreamType type)
    {
        foreach (var e in Directory)
            if (e.StreamType == (uint)type && e.Location.DataSize != 0) return e;
        return null;
    }

    public StreamBody Body(MinidumpDirectoryEntry entry) => Body(entry.Location, entry.TypeName + " stream");

    /// <summary>The bytes a location descriptor names, clamped to the file; notes the extent for truncation reports.</summary>
    public StreamBody Body(MinidumpLocation location, string what)
    {
        NoteExtent(location.End);
        var data = File.SpanClamped(location.Rva, location.DataSize);
        if (data.Length < location.DataSize) MissingBytesIsLowerBound = true;
        return new StreamBody(data, location.DataSize, location.Rva, what);
    }

    /// <summary>
    /// A MINIDUMP_STRING (u32 byte length, UTF-16LE) at <paramref name="rva"/>. Returns null when the
    /// string lies past the end of a truncated file; throws on a hostile length.
    /// </summary>
    public string? ReadString(long rva, string what)
    {
        if (rva == 0) return null;
        NoteExtent(rva + 4);
        if (!File.Contains(rva, 4))
        {
            Warn($"{what} at 0x{rva:x} lies past the end of the file");
            return null;
        }
        uint length = Le.U32(File.Span(rva, 4, what), 0);
        if (length > Limits.MaxStringChars * 2)
            throw Error(rva, $"{what}: string length {length} bytes exceeds the limit of {Limits.MaxStringChars * 2}");
        NoteExtent(rva + 4 + length);
        var bytes = File.SpanClamped(rva + 4, length);
        if (bytes.Length < length) Warn($"{what} at 0x{rva:x} is cut off by the end of the file");
        return Le.Utf16(bytes);
    }

    /// <summary>
    /// Reads a table of <paramref name="count"/> entries starting <paramref name="firstEntry"/> bytes into the
    /// stream. Counts are capped, entry sizes must hold the known fields, the declared stream size must
    /// hold every entry; on a truncated file only the entries that lie within it are returned.
    /// </summary>
    public List<T> ReadEntries<T>(in StreamBody body, long firstEntry, long entrySize, int minEntrySize, long count, int max,
        string what, EntryParser<T> parse)
    {
        int n = Limits.CheckCount(count, max, what, File.Path, body.Offset);
        if (entrySize < minEntrySize)
            throw Error(body.Offset, $"{what}: entry size {entrySize} is smaller than the {minEntrySize} bytes an entry needs");
        if (entrySize > 1 << 20)
            throw Error(body.Offset, $"{what}: entry size {entrySize} exceeds the limit of 1 MiB");
        long needed = firstEntry + n * entrySize;
        if (firstEntry > body.DeclaredSize || needed > body.DeclaredSize)
            throw Error(body.Offset, $"{what}: {n} entries of {entrySize} bytes need 0x{needed:x} bytes but the stream holds 0x{body.DeclaredSize:x}");
        long fit = body.Data.Length <= firstEntry ? 0 : Math.Min(n, (body.Data.Length - firstEntry) / entrySize);
        if (fit < n) Warn($"{what}: only {fit} of {n} entries lie within the file (truncated)");
        var list = new List<T>((int)fit);
        for (long i = 0; i < fit; i++)
            list.Add(parse(body.Data.Slice((int)(firstEntry + i * entrySize), (int)entrySize)));
        return list;
    }

    /// <summary>
    /// The offset of the first entry in the fixed-layout lists (thread, module, memory) that have a u32
    /// count and no header size. Some writers pad the count to 8 bytes; accept that when the size says so.
    /// </summary>
    public static long FirstEntryAfterCount(in StreamBody body, long count, int entrySize)
    {
        long plain = 4 + count * entrySize;
        return body.DeclaredSize == plain + 4 ? 8 : 4;
    }

    private List<MinidumpDirectoryEntry> ReadDirectory()
    {
        int n = Limits.CheckCount(Header.NumberOfStreams, Limits.MaxStreams, "stream directory", File.Path, 8);
        long rva = Header.StreamDirectoryRva;
        if (n > 0 && rva < MinidumpHeader.Size)
            throw Error(12, $"stream directory RVA 0x{rva:x} overlaps the header");
        if (rva > File.Length)
            throw Error(12, $"stream directory RVA 0x{rva:x} lies past the end of the file (size 0x{File.Length:x})");
        NoteExtent(rva + (long)n * MinidumpDirectoryEntry.Size);
        long fit = Math.Min(n, (File.Length - rva) / MinidumpDirectoryEntry.Size);
        // Cut inside the directory the dump still opens with what it lists; with no entry at all nothing could be shown.
        if (n > 0 && fit == 0)
            throw Error(rva, $"stream directory ({n} entries) lies past the end of the file (size 0x{File.Length:x})");
        if (fit < n)
        {
            Warn($"stream directory: only {fit} of {n} entries lie within the file (truncated)");
            MissingBytesIsLowerBound = true;
        }
        var list = new List<MinidumpDirectoryEntry>((int)fit);
        for (int i = 0; i < fit; i++)
            list.Add(MinidumpDirectoryEntry.Read(i, File.Span(rva + i * MinidumpDirectoryEntry.Size, MinidumpDirectoryEntry.Size, "stream directory entry")));
        return list;
    }

    public void Dispose()
    {
        if (_ownsFile) File.Dispose();
    }
}
