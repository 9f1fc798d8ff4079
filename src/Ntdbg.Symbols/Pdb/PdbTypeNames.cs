using Ntdbg.Core.Errors;
using Ntdbg.Formats.Pdb;

namespace Ntdbg.Symbols.Pdb;

/// <summary>
/// UDT and enum names of a TPI stream to type indices, for lookups by name: a definition wins over
/// forward references of the same name, the first definition over later duplicates. Built in one
/// scan on the first name lookup.
/// </summary>
internal sealed class PdbTypeNames
{
    private readonly Dictionary<string, (uint Index, bool Defined)> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> _ignoreCase = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<(string Name, uint Index)> Sorted { get; private set; } = [];

    public static PdbTypeNames Build(TypeStream tpi)
    {
        var names = new PdbTypeNames();
        for (uint ti = tpi.TypeIndexBegin; ti < tpi.TypeIndexEnd; ti++)
        {
            if (tpi.LeafOf(ti) is not (TypeLeaf.LF_STRUCTURE or TypeLeaf.LF_CLASS or TypeLeaf.LF_UNION or TypeLeaf.LF_INTERFACE or TypeLeaf.LF_ENUM))
                continue;
            TypeRecord? record;
            try { record = tpi.Get(ti); }
            catch (DumpFormatException) { continue; }
            switch (record)
            {
                case UdtType u: names.Add(u.Name, ti, !u.IsForwardReference); break;
                case EnumType e: names.Add(e.Name, ti, !e.IsForwardReference); break;
            }
        }
        names.Sorted = [.. names._exact.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.Index))];
        // Case-insensitive lookups prefer definitions too: add them first.
        foreach (var (name, (index, defined)) in names._exact)
            if (defined) names._ignoreCase.TryAdd(name, index);
        foreach (var (name, (index, _)) in names._exact) names._ignoreCase.TryAdd(name, index);
        return names;
    }

    private void Add(string name, uint ti, bool defined)
    {
        if (name.Length == 0) return;
        if (!_exact.TryGetValue(name, out var known) || (defined && !known.Defined)) _exact[name] = (ti, defined);
    }

    public uint? FindExact(string name) => _exact.TryGetValue(name, out var e) ? e.Index : null;

    public uint? FindIgnoreCase(string name) => _ignoreCase.TryGetValue(name, out uint ti) ? ti : null;
}
