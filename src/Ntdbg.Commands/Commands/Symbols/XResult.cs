namespace Ntdbg.Commands.Commands.Symbols;

/// <summary>What `x` prints per symbol: /0 address only, /1 name only, /2 address and name, else everything.</summary>
public enum XColumns
{
    Full,
    AddressOnly,
    NameOnly,
    AddressAndName,
}

/// <summary>The symbols `x` found, in the order it prints them, with the display options that shape each line.</summary>
public sealed record XResult(
    int PointerSize,
    XColumns Columns,
    /// <summary>/t: the data type (or return type) before the name.</summary>
    bool ShowTypes,
    /// <summary>/v: the symbol kind and size columns.</summary>
    bool Verbose,
    /// <summary>/p: no space before a function's "(".</summary>
    bool NoSpaceBeforeParen,
    IReadOnlyList<SymbolEntry> Symbols);
