using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.PoolMon;

/// <summary>
/// Reads `poolmon -n` log files and copied `poolmon -b` screens: one snapshot or several
/// concatenated (a new one starts at each "Memory:" line, or at a column header or title once the
/// current one has rows). Leading blanks may be lost (lines copied or re-indented); a tag keeps its
/// own blanks when poolmon's padding to 4 characters is still there. Lines before any table (a
/// prompt, the command) are passed over and counted; a line inside a table that is no row is an
/// error naming file and line.
/// </summary>
public static class PoolMonParser
{
    /// <summary>A snapshot of ~3000 tags is ~250 KB; a day of them every 10 minutes stays well below this.</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;
    public const int MaxLineLength = 4096;

    /// <summary>The kernel's tracker table holds a few thousand tags; ten times the largest seen.</summary>
    public const int MaxRowsPerSnapshot = 65_536;
    public const int MaxSnapshots = 100_000;
    public const long MaxRows = 8_000_000;

    public static PoolMonLog Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"poolmon log not found: {path}", path);
        if (info.Length > MaxFileBytes)
            throw new TextFormatException(path, 0, $"file is {info.Length} bytes, more than the limit of {MaxFileBytes} for a poolmon log");
        return Parse(File.ReadAllText(path), path);
    }

    public static PoolMonLog Parse(string text, string name)
    {
        if (text.Length > MaxFileBytes)
            throw new TextFormatException(name, 0, $"text is {text.Length} characters, more than the limit of {MaxFileBytes} for a poolmon log");
        var state = new State(name);
        int number = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            number++;
            if (raw.Length > MaxLineLength)
                throw new TextFormatException(name, number, $"line is {raw.Length} characters, more than the limit of {MaxLineLength}");
            var trimmed = raw.Trim();
            if (trimmed.IsEmpty) continue;
            state.Line(raw.ToString(), trimmed.ToString(), number);
        }
        state.Flush();
        if (state.Snapshots.Count == 0 && state.Skipped > 0)
            throw new TextFormatException(name, 0, $"no poolmon table in {state.Skipped} line(s): expected 'Tag  Type  Allocs ...' and rows like 'EtwB Nonp 6394 4056 2338 163418368 69896'");
        return new PoolMonLog(name, state.Snapshots, state.Skipped);
    }

    private sealed class State(string name)
    {
        public readonly List<PoolMonSnapshot> Snapshots = [];
        public int Skipped;
        private long _rows;
        private Current? _current;
        private DateTime? _pendingTime;

        private sealed class Current(int line, DateTime? time)
        {
            public readonly int Line = line;
            public readonly DateTime? Time = time;
            public PoolMonSystemHeader? Header;
            public string? Title;
            public int? TagColumn;
            public bool InTable;
            public readonly List<PoolMonRow> Rows = [];
        }

        public void Line(string line, string trimmed, int number)
        {
            if (PoolMonHeaderParser.IsMemoryLine(trimmed))
            {
                Start(number);
                _current!.Header = PoolMonHeaderParser.Merge(PoolMonHeaderParser.Empty, line, memoryLine: true);
            }
            else if (PoolMonHeaderParser.IsCommitLine(trimmed))
            {
                StartIfRows(number);
                _current!.Header = PoolMonHeaderParser.Merge(_current.Header ?? PoolMonHeaderParser.Empty, line, memoryLine: false);
            }
            else if (PoolMonHeaderParser.IsTitle(trimmed))
            {
                StartIfRows(number);
                _current!.Title = trimmed;
            }
            else if (PoolMonHeaderParser.IsColumnHeader(trimmed))
            {
                StartIfRows(number);
                _current!.TagColumn = line.IndexOf("Tag", StringComparison.Ordinal);
                _current.InTable = true;
            }
            else if (PoolMonHeaderParser.Timestamp(trimmed) is { } time)
            {
                Flush();
                _pendingTime = time;
            }
            else if (PoolMonHeaderParser.IsTotals(trimmed)) Skipped++;
            else Row(line, number);
        }

        private void Row(string line, int number)
        {
            bool inTable = _current?.InTable == true;
            var row = PoolMonRowParser.Parse(line, number, _current?.TagColumn, out var problem);
            if (row == null)
            {
                if (inTable) throw new TextFormatException(name, number, $"not a poolmon row (Tag Type Allocs Frees Diff Bytes Per Alloc): {problem}");
                Skipped++;
                return;
            }
            if (_current == null) Start(number); // rows without a header: a bare excerpt
            if (_current!.Rows.Count >= MaxRowsPerSnapshot)
                throw new TextFormatException(name, number, $"more than {MaxRowsPerSnapshot} rows in one snapshot");
            if (++_rows > MaxRows)
                throw new TextFormatException(name, number, $"more than {MaxRows} rows in one file");
            _current.Rows.Add(row);
        }

        private void StartIfRows(int number)
        {
            if (_current == null || _current.Rows.Count > 0) Start(number);
        }

        private void Start(int number)
        {
            Flush();
            if (Snapshots.Count >= MaxSnapshots)
                throw new TextFormatException(name, number, $"more than {MaxSnapshots} snapshots in one file");
            _current = new Current(number, _pendingTime);
            _pendingTime = null;
        }

        public void Flush()
        {
            if (_current is { } c && (c.Rows.Count > 0 || c.Header != null))
                Snapshots.Add(new PoolMonSnapshot(name, c.Line, c.Time, c.Header, c.Title,
                    c.Rows.Any(r => r.AllocsDelta != null || r.FreesDelta != null || r.BytesDelta != null), c.Rows));
            _current = null;
        }
    }
}
