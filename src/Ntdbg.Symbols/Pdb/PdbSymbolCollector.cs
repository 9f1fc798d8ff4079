using Ntdbg.Core.Errors;
using Ntdbg.Formats.Pdb;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Symbols.Pdb;

/// <summary>
/// Gathers a PDB's symbols for the index: module records first (procedures with their code
/// length and signature, data with its type, labels), then the global stream's data, then the
/// publics. One symbol per RVA and name: a public that names a symbol already found only lends it
/// its decorated name.
/// </summary>
internal static class PdbSymbolCollector
{
    public static List<ModuleSymbol> Collect(PdbFile pdb, bool isX86)
    {
        var list = new List<ModuleSymbol>();
        var at = new Dictionary<(uint Rva, string Name), int>();
        TypeStream? ipi = null;

        void AddRich(PdbSymbol s)
        {
            if (pdb.SectionRvaOf(s.Section, s.Offset) is not uint rva || s.Name.Length == 0) return;
            ModuleSymbol symbol;
            if (SymbolKind.IsProcedure(s.Kind))
            {
                uint type = s.TypeIndex;
                if (s.Kind is SymbolKind.S_GPROC32_ID or SymbolKind.S_LPROC32_ID or SymbolKind.S_LPROC32_DPC_ID)
                {
                    ipi ??= TryIds(pdb);
                    type = FunctionTypeOfId(ipi, type);
                }
                symbol = new ModuleSymbol(s.Name, rva, s.Length, SymbolEntryKind.Function, null, Handle(type));
            }
            else if (s.Kind == SymbolKind.S_LABEL32)
                symbol = new ModuleSymbol(s.Name, rva, 0, SymbolEntryKind.Label);
            else
                // Size 0: the data's type gives it (TypeOf), and leaving it keeps the TPI off the cold path.
                symbol = new ModuleSymbol(s.Name, rva, 0, SymbolEntryKind.Data, null, Handle(s.TypeIndex));
            if (at.TryAdd((rva, symbol.Name), list.Count)) list.Add(symbol);
        }

        foreach (var module in pdb.Modules)
        {
            // A malformed module stream costs that module's records, not the whole PDB's symbols.
            IReadOnlyList<PdbSymbol> records;
            try { records = module.Symbols; }
            catch (DumpFormatException) { continue; }
            foreach (var s in records)
                if (IsRich(s.Kind)) AddRich(s);
        }
        foreach (var s in pdb.Globals)
            if (IsData(s.Kind)) AddRich(s);

        foreach (var p in pdb.Publics)
        {
            if (p.Kind != SymbolKind.S_PUB32 || pdb.SectionRvaOf(p.Section, p.Offset) is not uint rva) continue;
            string name = PdbSymbolNames.Undecorate(p.Name, isX86);
            string? decorated = name == p.Name ? null : p.Name;
            if (at.TryGetValue((rva, name), out int i))
            {
                if (decorated != null && list[i].DecoratedName == null) list[i] = list[i] with { DecoratedName = decorated };
                continue;
            }
            at[(rva, name)] = list.Count;
            list.Add(new ModuleSymbol(name, rva, 0, p.IsFunction ? SymbolEntryKind.Function : SymbolEntryKind.Public, decorated));
        }
        return list;
    }

    private static TypeStream? TryIds(PdbFile pdb)
    {
        if (!pdb.Msf.StreamExists(4)) return null;
        try { return pdb.Ids; }
        catch (DumpFormatException) { return null; }
    }

    // S_*PROC32_ID records name an IPI function id; its signature is the TPI type it points at.
    private static uint FunctionTypeOfId(TypeStream? ipi, uint id)
    {
        try { return ipi?.Get(id) is FunctionIdRecord f ? f.FunctionType : 0; }
        catch (DumpFormatException) { return 0; }
    }

    private static bool IsData(ushort kind) =>
        kind is SymbolKind.S_GDATA32 or SymbolKind.S_LDATA32 or SymbolKind.S_GTHREAD32 or SymbolKind.S_LTHREAD32;

    private static bool IsRich(ushort kind) => SymbolKind.IsProcedure(kind) || IsData(kind) || kind == SymbolKind.S_LABEL32;

    private static int Handle(uint typeIndex) => typeIndex is > 0 and <= int.MaxValue ? (int)typeIndex : -1;
}
