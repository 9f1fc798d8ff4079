using Ntdbg.Commands.Session;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;
using Ntdbg.Symbols.Loading;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Symbols;

/// <summary>
/// Turns a module's symbol into a <see cref="SymbolEntry"/>: whether it is code or data (from its
/// type, its record kind, or — for publics, exports and ISF names, which carry neither — the
/// section it lies in), its signature or current value. One describer serves one command run and
/// caches each module's section table.
/// </summary>
public sealed class SymbolDescriber(DebugSession session)
{
    private readonly ModuleSections _sections = new(session.Memory);

    public SymbolEntry Describe(ModuleSymbols module, ISymbolSource source, ModuleSymbol symbol)
    {
        ulong address = module.Module.Base + symbol.Rva;
        DbgType? type = SafeTypeOf(source, symbol);
        var cls = Classify(module, symbol, type);
        bool isPrivate = source.Kind == SymbolSourceKind.PrivatePdb && symbol.Kind is SymbolEntryKind.Function or SymbolEntryKind.Data or SymbolEntryKind.Label;
        ulong size = symbol.Size != 0 ? symbol.Size : cls == SymbolEntryClass.Data && type != null ? type.Size : 0;
        if (cls == SymbolEntryClass.Data)
            return new SymbolEntry(address, module.Name, symbol.Name, cls, isPrivate, size,
                type != null ? CTypeName.Of(type) : null, null, type != null ? SymbolValueText.Format(session, type, address) : "<no type information>");
        var function = type as FunctionType;
        return new SymbolEntry(address, module.Name, symbol.Name, cls, isPrivate, size,
            function != null ? CTypeName.Of(function.ReturnType) : null,
            function != null ? CTypeName.Parameters(function) : "(<no parameter info>)", null);
    }

    private static DbgType? SafeTypeOf(ISymbolSource source, ModuleSymbol symbol)
    {
        try
        {
            return source.TypeOf(symbol);
        }
        catch (DumpFormatException)
        {
            // A broken type record must not hide the symbol: show it untyped.
            return null;
        }
    }

    private SymbolEntryClass Classify(ModuleSymbols module, ModuleSymbol symbol, DbgType? type)
    {
        if (type is FunctionType || symbol.Kind == SymbolEntryKind.Function) return SymbolEntryClass.Function;
        if (symbol.Kind == SymbolEntryKind.Label) return SymbolEntryClass.Label;
        if (symbol.Kind == SymbolEntryKind.Data || type != null) return SymbolEntryClass.Data;
        return IsCode(module, symbol.Rva) ? SymbolEntryClass.Function : SymbolEntryClass.Data;
    }

    /// <summary>True when the RVA lies in an executable section of the module's image as the dump holds it.</summary>
    public bool IsCode(ModuleSymbols module, uint rva) => InCodeSection(module, rva) == true;

    /// <summary>Whether the RVA lies in a code section; null when no header (dump or stored image) is readable.</summary>
    public bool? InCodeSection(ModuleSymbols module, uint rva) => _sections.InCodeSection(module, rva);
}
