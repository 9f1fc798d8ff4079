namespace Ntdbg.Formats.Pdb;

/// <summary>
/// One decoded CodeView symbol record. Which fields mean something depends on <see cref="Kind"/>:
/// publics, data and labels have Section:Offset; procedures add Length and TypeIndex; S_PROCREF
/// points at a module (1-based) and a record offset in its stream; S_CONSTANT has Value.
/// Records inside procedures that describe the frame and its variables carry <see cref="Frame"/>.
/// Records the reader does not decode keep only Kind and RecordOffset.
/// </summary>
public sealed record PdbSymbol(
    ushort Kind,
    /// <summary>Offset of the record (its length field) in the stream it came from.</summary>
    int RecordOffset,
    string Name,
    ushort Section = 0,
    uint Offset = 0,
    uint TypeIndex = 0,
    /// <summary>Code length of a procedure.</summary>
    uint Length = 0,
    /// <summary>S_PUB32 flags (1 code, 2 function, 4 managed, 8 MSIL) or procedure/label flags.</summary>
    uint Flags = 0,
    /// <summary>S_PROCREF family: module index, 1-based as stored.</summary>
    ushort Module = 0,
    /// <summary>S_PROCREF family: record offset in that module's symbol stream.</summary>
    uint SymbolOffset = 0,
    /// <summary>S_CONSTANT value.</summary>
    long Value = 0,
    /// <summary>Procedures: offset of the matching S_END (end of the scope) in the module stream.</summary>
    uint End = 0,
    /// <summary>The records inside a procedure (frame, locals, their locations, blocks): their decoded fields.</summary>
    FrameRecord? Frame = null)
{
    public string KindName => SymbolKind.Name(Kind);
    public bool IsFunction => SymbolKind.IsProcedure(Kind) || (Kind == SymbolKind.S_PUB32 && (Flags & 2) != 0);
}
