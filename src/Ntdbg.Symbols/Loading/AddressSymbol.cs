using Ntdbg.Symbols.Model;

namespace Ntdbg.Symbols.Loading;

/// <summary>
/// An address named by the symbols: the module, the closest symbol at or before it (null when the
/// module has no symbol there) and the displacement from that symbol (or from the module base).
/// </summary>
public sealed record AddressSymbol(ModuleSymbols Module, ModuleSymbol? Symbol, ulong Displacement)
{
    /// <summary>WinDbg's spelling: "nt!KeBugCheckEx", "nt!KeBugCheckEx+0x10", "amdppm+0x1234".</summary>
    public string Display
    {
        get
        {
            string head = Symbol != null ? $"{Module.Name}!{Symbol.Name}" : Module.Name;
            return Displacement == 0 ? head : $"{head}+0x{Displacement:x}";
        }
    }
}
