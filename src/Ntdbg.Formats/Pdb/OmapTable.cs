namespace Ntdbg.Formats.Pdb;

/// <summary>
/// An OMAP table (pairs of source RVA → target RVA sorted by source), as written by tools that
/// reorder an image after linking. An address maps through the last entry at or below it; a
/// target of 0 means the address has no counterpart.
/// </summary>
public sealed class OmapTable
{
    private readonly uint[] _from;
    private readonly uint[] _to;

    private OmapTable(uint[] from, uint[] to) { _from = from; _to = to; }

    public int Count => _from.Length;
    public (uint From, uint To) this[int i] => (_from[i], _to[i]);

    public static OmapTable Read(MsfStream stream)
    {
        int n = stream.Length / 8;
        if (n > PdbLimits.MaxOmapEntries) throw stream.Error(0, $"OMAP entry count {n} exceeds the limit");
        var from = new uint[n];
        var to = new uint[n];
        var r = stream.Reader();
        for (int i = 0; i < n; i++)
        {
            from[i] = r.U32("OMAP source");
            to[i] = r.U32("OMAP target");
            if (i > 0 && from[i] < from[i - 1]) throw stream.Error(i * 8, $"OMAP entry {i} is out of order");
        }
        return new OmapTable(from, to);
    }

    /// <summary>The mapped address, or null when the address falls in an unmapped range.</summary>
    public uint? Map(uint rva)
    {
        int lo = 0, hi = _from.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_from[mid] <= rva) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        if (found < 0 || _to[found] == 0) return null;
        return _to[found] + (rva - _from[found]);
    }
}
