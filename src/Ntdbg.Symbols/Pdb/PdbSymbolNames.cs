using Ntdbg.Symbols.Demangle;

namespace Ntdbg.Symbols.Pdb;

/// <summary>
/// The names a PDB's symbols are shown under: C++ names undecorated to the qualified name alone,
/// and x86 C names without the decoration the compiler adds (`_name` for __cdecl, `_name@8` for
/// __stdcall, `@name@8` for __fastcall), as WinDbg shows them. x64 C names are not decorated.
/// </summary>
public static class PdbSymbolNames
{
    /// <summary>The display name of a (possibly decorated) linker name.</summary>
    public static string Undecorate(string name, bool isX86)
    {
        if (name.Length == 0) return name;
        if (name[0] == '?')
            return MsvcDemangler.TryDemangle(name, DemangleStyle.NameOnly, out string plain) && plain.Length > 0 ? plain : name;
        if (!isX86 || name.Length < 2) return name;
        if (name[0] == '_') return StripStdcallSuffix(name[1..]);
        if (name[0] == '@') return StripStdcallSuffix(name[1..]);
        return name;
    }

    // "name@12" → "name": an '@' followed only by decimal digits (the argument bytes).
    private static string StripStdcallSuffix(string name)
    {
        int at = name.LastIndexOf('@');
        if (at <= 0 || at == name.Length - 1) return name;
        for (int i = at + 1; i < name.Length; i++)
            if (!char.IsAsciiDigit(name[i])) return name;
        return name[..at];
    }
}
