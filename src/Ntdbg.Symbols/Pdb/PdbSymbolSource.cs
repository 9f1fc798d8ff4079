using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Formats.Pdb;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Symbols.Pdb;

/// <summary>
/// A PDB as a symbol source: procedures, data and labels from the module symbol streams, data
/// from the global stream, and the public symbols no richer record names; the TPI as the type
/// system. Opening reads only the MSF directory and the DBI header; the symbol index is built on
/// first use and the types are decoded as they are asked for. All access goes through one lock
/// because <see cref="PdbFile"/> reads lazily and is not thread-safe.
/// </summary>
public sealed class PdbSymbolSource : ISymbolSource, IDisposable
{
    private readonly MappedFile _file;
    private readonly object _gate = new();
    private SymbolIndex? _index;
    private PdbTypeSystem? _types;
    private bool _typesChecked;
    private SymbolSourceKind? _kind;
    private PdbUnwindData? _unwindData;
    private PdbFrameReader? _frames;

    private PdbSymbolSource(MappedFile file, PdbFile pdb)
    {
        _file = file;
        Pdb = pdb;
    }

    public static PdbSymbolSource Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            return new PdbSymbolSource(file, PdbFile.Open(file));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public PdbFile Pdb { get; }
    public string FilePath => _file.Path;

    /// <summary>True for an x86 PDB, whose C names carry the `_`/`@N` decorations.</summary>
    public bool IsX86 => Pdb.Dbi.Machine == 0x14c;

    public SymbolSourceKind Kind
    {
        get
        {
            lock (_gate) return _kind ??= HasPrivateSymbols() ? SymbolSourceKind.PrivatePdb : SymbolSourceKind.PublicPdb;
        }
    }

    private bool HasPrivateSymbols()
    {
        // A PDB the linker stripped (/PDBSTRIPPED, the symbol servers' public PDBs) is public even
        // though it keeps some types (Windows' public PDBs carry the kernel structures) and stub
        // module streams.
        if (Pdb.Dbi.IsStripped) return false;
        // A module stream holds more than its 4-byte signature, or the TPI holds records.
        foreach (var m in Pdb.Dbi.Modules)
            if (m.HasSymbolStream && m.SymbolBytes > 4) return true;
        return TypesOrNull() != null;
    }

    public IReadOnlyList<ModuleSymbol> Symbols => Index.Symbols;
    public IReadOnlyList<ModuleSymbol> FindByName(string name) => Index.FindByName(name);
    public IEnumerable<ModuleSymbol> Match(string pattern) => Index.Match(pattern);
    public bool TryFindByRva(uint rva, out ModuleSymbol symbol, out uint displacement) => Index.TryFindByRva(rva, out symbol, out displacement);
    public ModuleSymbol? FindNext(uint rva) => Index.FindNext(rva);

    /// <summary>The TPI as the shared type model; null when the PDB has no type records. Stripped PDBs keep the types they have.</summary>
    public ITypeSystem? Types
    {
        get { lock (_gate) return TypesOrNull(); }
    }

    /// <summary>The same as <see cref="Types"/>, with the PDB-specific lookups (by type index).</summary>
    public PdbTypeSystem? PdbTypes
    {
        get { lock (_gate) return TypesOrNull(); }
    }

    private PdbTypeSystem? TypesOrNull()
    {
        if (_typesChecked) return _types;
        _typesChecked = true;
        try
        {
            var tpi = Pdb.Msf.StreamExists(2) ? Pdb.Types : null;
            _types = tpi != null && tpi.Count > 0 ? new PdbTypeSystem(Pdb, _gate) : null;
        }
        catch (DumpFormatException e)
        {
            // A broken TPI leaves the symbols usable; the reason stays for the loader to report.
            TypeError = e.Message;
            _types = null;
        }
        return _types;
    }

    /// <summary>The PDB's x86 FPO and frame data (empty lookups for x64 PDBs, which have none).</summary>
    public IUnwindDataSource? UnwindData => _unwindData ??= new PdbUnwindData(Pdb, _gate);

    /// <summary>The parameters and locals of the procedure that contains rva (module symbol streams); null outside procedures.</summary>
    public FunctionFrame? FrameAt(uint rva)
    {
        lock (_gate)
        {
            _frames ??= new PdbFrameReader(Pdb, ti => TypesOrNull()?.Resolve(ti));
            // A malformed module stream costs that function its locals, not the stack listing.
            try { return _frames.FrameAt(rva); }
            catch (DumpFormatException) { return null; }
        }
    }

    /// <summary>Why <see cref="Types"/> is null although the PDB has a type stream (a malformed TPI); null otherwise.</summary>
    public string? TypeError { get; private set; }

    /// <summary>Procedures: their LF_PROCEDURE/LF_MFUNCTION signature; data: its type. Null for publics and labels.</summary>
    public DbgType? TypeOf(ModuleSymbol symbol)
    {
        if (symbol.Handle <= 0) return null;
        return PdbTypes?.Resolve((uint)symbol.Handle);
    }

    private SymbolIndex Index
    {
        get
        {
            if (Volatile.Read(ref _index) is { } ready) return ready;
            lock (_gate) return _index ??= new SymbolIndex(PdbSymbolCollector.Collect(Pdb, IsX86));
        }
    }

    public void Dispose() => _file.Dispose();
}
