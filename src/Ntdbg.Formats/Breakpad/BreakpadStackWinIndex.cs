namespace Ntdbg.Formats.Breakpad;

/// <summary>
/// STACK WIN records of one frame type, answering "the innermost record covering rva". Records
/// nest (a funclet's record inside its function's), so the covering record with the highest
/// start wins, the shorter one on a tie. Sorted by start (longer first on a tie); a running
/// maximum of record ends lets the backward walk stop as soon as no earlier record can reach rva.
/// </summary>
internal sealed class BreakpadStackWinIndex
{
    private readonly BreakpadStackWin[] _records;
    private readonly ulong[] _maxEnd;

    public BreakpadStackWinIndex(IEnumerable<BreakpadStackWin> records)
    {
        _records = [.. records.OrderBy(r => r.Rva).ThenByDescending(r => r.CodeSize)];
        _maxEnd = new ulong[_records.Length];
        ulong max = 0;
        for (int i = 0; i < _records.Length; i++)
        {
            max = Math.Max(max, _records[i].End);
            _maxEnd[i] = max;
        }
    }

    public int Count => _records.Length;

    public BreakpadStackWin? Find(uint rva)
    {
        for (int i = FloorIndex(rva); i >= 0 && _maxEnd[i] > rva; i--)
            if (_records[i].Contains(rva)) return _records[i];
        return null;
    }

    private int FloorIndex(uint rva)
    {
        int lo = 0, hi = _records.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (_records[mid].Rva <= rva) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}
