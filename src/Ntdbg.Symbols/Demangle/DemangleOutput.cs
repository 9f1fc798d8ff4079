using System.Text;

namespace Ntdbg.Symbols.Demangle;

/// <summary>
/// The text being produced. Back-references make the parsed tree a DAG whose rendering can grow
/// exponentially with the input, so the writer has a hard cap and aborts the render past it.
/// </summary>
internal sealed class DemangleOutput
{
    public const int MaxLength = 64 * 1024;
    private readonly StringBuilder _text = new();

    public DemangleOutput(bool winDbgStyle) => WinDbgStyle = winDbgStyle;

    /// <summary>True for the Microsoft undecorator's template-argument layout (NameOnly).</summary>
    public bool WinDbgStyle { get; }

    public int Length => _text.Length;

    public DemangleOutput Append(string s)
    {
        if (_text.Length + s.Length > MaxLength) throw new DemangleFailure("output too long");
        _text.Append(s);
        return this;
    }

    public DemangleOutput Append(char c)
    {
        if (_text.Length + 1 > MaxLength) throw new DemangleFailure("output too long");
        _text.Append(c);
        return this;
    }

    public char Last => _text.Length == 0 ? '\0' : _text[^1];

    /// <summary>A space between two tokens that would otherwise run together (llvm's rule).</summary>
    public void SpaceIfNecessary()
    {
        char c = Last;
        if (char.IsAsciiLetterOrDigit(c) || c == '_' || c == '>') Append(' ');
    }

    public override string ToString() => _text.ToString();
}
