namespace Ntdbg.Formats.Pdb;

/// <summary>
/// A module's symbol stream: a 4-byte signature (4 = C13), then SymbolBytes-4 bytes of symbol
/// records (procedures, data, labels, scopes); line information follows and is not read here.
/// </summary>
public sealed class ModuleSymbolStream
{
    public const uint C13Signature = 4;

    public uint Signature { get; }
    public IReadOnlyList<PdbSymbol> Symbols { get; }

    private ModuleSymbolStream(MsfStream stream, DbiModuleInfo module)
    {
        if (stream.Length == 0 || module.SymbolBytes == 0) { Symbols = []; return; }
        if (module.SymbolBytes > (uint)stream.Length)
            throw stream.Error(0, $"module symbol size 0x{module.SymbolBytes:x} is larger than the 0x{stream.Length:x}-byte stream");
        var r = stream.Reader();
        Signature = r.U32("module symbol signature");
        if (Signature != C13Signature)
            throw stream.Error(0, $"module symbol signature {Signature} is not 4 (C13)");
        Symbols = SymbolRecordReader.ReadAll(stream, 4, (int)module.SymbolBytes);
    }

    public static ModuleSymbolStream Read(MsfStream stream, DbiModuleInfo module) => new(stream, module);
}
