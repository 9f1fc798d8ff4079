using System.Text;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Symbols;

/// <summary>
/// A type spelled as `x` and `ln` print it (C spelling, as WinDbg shows symbol types):
/// "struct HINSTANCE__ *", "unsigned short *[42]", "char [16]", "<function> *".
/// </summary>
public static class CTypeName
{
    /// <summary>Pointer chains deeper than this are cut (a malformed type graph cannot loop the printer).</summary>
    private const int MaxDepth = 32;

    public static string Of(DbgType type) => Of(type, 0);

    private static string Of(DbgType type, int depth)
    {
        if (depth > MaxDepth) return "...";
        switch (type)
        {
            case UdtType u:
                return (u.UdtKind switch { UdtKind.Class => "class ", UdtKind.Union => "union ", _ => "struct " }) + u.Name;
            case EnumType e:
                return "enum " + e.Name;
            case PointerType p:
                string target = p.Target is FunctionType ? "<function>" : Of(p.Target, depth + 1);
                return Join(target, p.IsReference ? "&" : "*");
            case ArrayType a:
                {
                    // Nested arrays read outermost first: int [2][3].
                    var dims = new StringBuilder();
                    DbgType inner = a;
                    int guard = 0;
                    while (inner is ArrayType arr && guard++ < MaxDepth)
                    {
                        dims.Append('[').Append(arr.Count).Append(']');
                        inner = arr.Element;
                    }
                    return Join(Of(inner, depth + 1), dims.ToString());
                }
            case FunctionType f when depth == 0:
                return $"{Of(f.ReturnType, 1)} {Parameters(f)}";
            case FunctionType:
                // Nested function types (parameters, array elements) print as WinDbg's "<function>": this
                // also keeps a malformed type graph from branching into an exponential print.
                return "<function>";
            default:
                return type.Name;
        }
    }

    /// <summary>C's spacing: "char *", but "char **" and "unsigned short *[42]" (no space after a declarator).</summary>
    private static string Join(string type, string declarator) =>
        type.EndsWith('*') || type.EndsWith('&') ? type + declarator : type + " " + declarator;

    /// <summary>A function's parameter list as `x` prints it: "(int, char **)", "(void)" when it takes none.</summary>
    public static string Parameters(FunctionType f)
    {
        var parameters = f.Parameters;
        if (parameters.Count == 0) return "(void)";
        return "(" + string.Join(", ", parameters.Select(p => Of(p, 1))) + ")";
    }
}
