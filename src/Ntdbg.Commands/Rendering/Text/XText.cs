using System.Text;
using Ntdbg.Commands.Commands.Symbols;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// `x` lines as WinDbg prints them: "fffff804`7bdf5a80 nt!KeBugCheckEx (&lt;no parameter info&gt;)",
/// with /t "&lt;type&gt; " before the name and /v "prv func   " before the address and the size after it.
/// </summary>
public sealed class XText : TextRenderer<XResult>
{
    protected override void Render(XResult r, TextWriter o)
    {
        foreach (var e in r.Symbols) o.WriteLine(Line(r, e));
    }

    public static string Line(XResult r, SymbolEntry e)
    {
        string address = Hex.Pointer(e.Address, r.PointerSize);
        switch (r.Columns)
        {
            case XColumns.AddressOnly: return address;
            case XColumns.NameOnly: return e.QualifiedName;
            case XColumns.AddressAndName: return $"{address} {e.QualifiedName}";
        }
        var sb = new StringBuilder(96);
        if (r.Verbose) sb.Append($"{KindColumn(e),-10} ");
        sb.Append(address);
        if (r.Verbose) sb.Append($" {e.Size,4:x}");
        sb.Append(' ');
        if (r.ShowTypes) sb.Append(e.TypeName ?? "<NoType>").Append(' ');
        sb.Append(e.Describe(!r.NoSpaceBeforeParen));
        return sb.ToString();
    }

    /// <summary>"prv func", "pub global": where the symbol came from (private records or publics) and what it is.</summary>
    public static string KindColumn(SymbolEntry e) =>
        (e.Private ? "prv " : "pub ") + e.Class switch
        {
            SymbolEntryClass.Function => "func",
            SymbolEntryClass.Label => "label",
            _ => "global",
        };
}
