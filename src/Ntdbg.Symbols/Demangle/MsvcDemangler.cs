namespace Ntdbg.Symbols.Demangle;

/// <summary>
/// Undecorates Microsoft C++ names (<c>?m_Heap@Blob@@2PEAXEA</c> → <c>Blob::m_Heap</c>).
/// Never throws: unparseable input returns false and the caller shows the decorated name.
/// </summary>
public static class MsvcDemangler
{
    /// <summary>Longer inputs are refused outright (MSVC hashes names past 4 KB anyway).</summary>
    public const int MaxInputLength = 4096;

    public static bool TryDemangle(string decorated, DemangleStyle style, out string result)
    {
        result = "";
        if (string.IsNullOrEmpty(decorated) || decorated.Length > MaxInputLength || decorated[0] != '?') return false;
        try
        {
            var symbol = new MsvcParser(decorated).ParseWhole();
            var output = new DemangleOutput(winDbgStyle: style == DemangleStyle.NameOnly);
            if (style == DemangleStyle.NameOnly) symbol.WriteName(output);
            else symbol.Write(output);
            result = output.ToString();
            // The Microsoft undecorator never puts a space after a comma in a name.
            if (style == DemangleStyle.NameOnly) result = result.Replace(", ", ",", StringComparison.Ordinal);
            return true;
        }
        catch (DemangleFailure)
        {
            return false;
        }
    }
}
