using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Formats.Pdb;

namespace Ntdbg.Fuzz;

/// <summary>
/// Fuzz target for the PDB reader: opens the input and reads every lazily-parsed part (modules,
/// symbols, publics, globals, OMAP, every type and id record, field lists, sizes and names).
/// The only acceptable failure is the reader's one-line <see cref="DumpFormatException"/>.
/// </summary>
public static class PdbFuzzTarget
{
    public static void Run(byte[] input)
    {
        using var file = MappedFile.FromBytes("fuzz.pdb", input);
        PdbFile pdb;
        try { pdb = PdbFile.Open(file); }
        catch (DumpFormatException) { return; }
        ReadEverything(pdb);
    }

    /// <summary>Touches each part separately, so one malformed part does not hide the others.</summary>
    public static void ReadEverything(PdbFile pdb)
    {
        Try(() => _ = pdb.Dbi.Modules.Count);
        Try(() => _ = pdb.Dbi.SectionHeaders.Count);
        Try(() => _ = pdb.Dbi.OriginalSectionHeaders.Count);
        Try(() => _ = pdb.Dbi.OmapFromSource?.Map(0x1000));
        Try(() =>
        {
            foreach (var s in pdb.Publics) pdb.SectionRvaOf(s.Section, s.Offset);
        });
        Try(() => _ = pdb.Globals.Count);
        Try(() => _ = pdb.Fpo.Count);
        Try(() => _ = pdb.FrameData.Count);
        Try(() => _ = pdb.Strings.Get(1));
        Try(() =>
        {
            foreach (var m in pdb.Modules) Try(() => _ = m.Symbols.Count);
        });
        Try(() => ReadTypes(pdb.Types));
        Try(() => ReadTypes(pdb.Ids));
        Try(() => ReadFrames(pdb));
    }

    /// <summary>Every procedure's frame (parameters, locals, their locations) as `kp` and `dv` read it.</summary>
    public static void ReadFrames(PdbFile pdb)
    {
        Ntdbg.Symbols.Pdb.PdbTypeSystem? types = null;
        Try(() => types = new Ntdbg.Symbols.Pdb.PdbTypeSystem(pdb));
        var frames = new Ntdbg.Symbols.Pdb.PdbFrameReader(pdb, ti => types?.Resolve(ti));
        foreach (var m in pdb.Modules)
            Try(() =>
            {
                foreach (var s in m.Symbols)
                    if (SymbolKind.IsProcedure(s.Kind) && pdb.SectionRvaOf(s.Section, s.Offset) is uint rva)
                        Try(() => frames.FrameAt(rva)?.Variables.Select(v => v.LocationAt(rva)).ToList());
            });
    }

    public static void ReadTypes(TypeStream types)
    {
        foreach (var record in types.All())
        {
            switch (record)
            {
                case FieldListType f: Try(() => types.FieldListMembers(f.Index)); break;
                case UdtType u:
                    Try(() => types.ResolveForward(u.Index));
                    Try(() => types.SizeOf(u.Index));
                    Try(() => types.FindUdtByName(u.Name));
                    if (!u.IsForwardReference) Try(() => types.FieldListMembers(u.FieldList));
                    break;
                default:
                    Try(() => types.SizeOf(record.Index));
                    Try(() => types.NameOf(record.Index));
                    break;
            }
        }
    }

    private static void Try(Action read)
    {
        try { read(); }
        catch (DumpFormatException) { }
    }
}
