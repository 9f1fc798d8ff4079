namespace Ntdbg.Symbols.Model;

/// <summary>What a symbol names (from S_GPROC32/S_LPROC32, S_GDATA32/S_LDATA32, S_LABEL32, S_PUB32, ISF, exports).</summary>
public enum SymbolEntryKind
{
    Function,
    Data,
    Label,
    /// <summary>A public symbol not matched by a richer record (code or data unknown beyond the function flag).</summary>
    Public,
    /// <summary>An entry of the image's export table.</summary>
    Export,
}
