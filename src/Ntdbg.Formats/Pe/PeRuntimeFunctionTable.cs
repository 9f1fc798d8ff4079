namespace Ntdbg.Formats.Pe;

/// <summary>Lookups in a .pdata list, which the linker sorts by BeginAddress.</summary>
public static class PeRuntimeFunctionTable
{
    /// <summary>
    /// The x64 entry whose [Begin, End) holds <paramref name="rva"/>, or null (a leaf function or
    /// an address outside any function). Binary search; entries without an end never match.
    /// </summary>
    public static PeRuntimeFunction? Find(IReadOnlyList<PeRuntimeFunction> functions, uint rva)
    {
        int lo = 0, hi = functions.Count - 1;
        while (lo <= hi)
        {
            int mid = lo + (hi - lo) / 2;
            var f = functions[mid];
            if (rva < f.BeginAddress) hi = mid - 1;
            else if (f.EndAddress is uint end && rva >= end) lo = mid + 1;
            else return f.EndAddress.HasValue ? f : null;
        }
        return null;
    }
}
