namespace Ntdbg.Commands.Commands.Symbols;

/// <summary>What a symbol names, as `x /v` labels it.</summary>
public enum SymbolEntryClass
{
    Function,
    Data,
    Label,
}

/// <summary>
/// One symbol as `x` and `ln` show it. Parameters is set for code ("(int, char **)", "(void)",
/// "(&lt;no parameter info&gt;)"), Value for data ("0n5", "struct Blob", "&lt;no type information&gt;").
/// TypeName is the data type or the function's return type in C spelling; null when the symbols do not say.
/// </summary>
public sealed record SymbolEntry(
    ulong Address,
    string Module,
    string Name,
    SymbolEntryClass Class,
    bool Private,
    ulong Size,
    string? TypeName,
    string? Parameters,
    string? Value)
{
    public string QualifiedName => $"{Module}!{Name}";

    /// <summary>"nt!KeBugCheckEx (void)" or "crash_x64!g_count = 0n5": the name and what follows it.</summary>
    public string Describe(bool spaceBeforeParen = true) =>
        Parameters != null ? $"{QualifiedName}{(spaceBeforeParen ? " " : "")}{Parameters}" : $"{QualifiedName} = {Value}";
}
