namespace Ntdbg.Symbols.Locators;

/// <summary>
/// One ';'-separated element of a symbol path. For <see cref="SymbolPathElementKind.Server"/>,
/// <see cref="Tiers"/> are the '*'-separated stores in lookup order: downstream stores (local
/// caches, shares) first, the upstream (usually a URL) last. An empty tier means the default
/// downstream store. For <see cref="SymbolPathElementKind.Cache"/>, <see cref="Folder"/> is the
/// cache directory (null: the default cache).
/// </summary>
public sealed record SymbolPathElement(SymbolPathElementKind Kind, string Text, string? Folder, IReadOnlyList<string> Tiers, string? SymsrvDll)
{
    public static SymbolPathElement Parse(string text)
    {
        text = text.Trim();
        if (StartsWithWord(text, "srv*"))
            return new(SymbolPathElementKind.Server, text, null, text[4..].Split('*'), null);
        if (StartsWithWord(text, "symsrv*"))
        {
            var rest = text[7..];
            int star = rest.IndexOf('*');
            string dll = star < 0 ? rest : rest[..star];
            string[] tiers = star < 0 ? [""] : rest[(star + 1)..].Split('*');
            return new(SymbolPathElementKind.Server, text, null, tiers, dll);
        }
        if (StartsWithWord(text, "cache*"))
        {
            var dir = text[6..].Trim();
            return new(SymbolPathElementKind.Cache, text, dir.Length == 0 ? null : dir, [], null);
        }
        return new(SymbolPathElementKind.Folder, text, text, [], null);
    }

    /// <summary>The upstream of a server element (its last tier); empty means the Microsoft public server.</summary>
    public string Upstream => Kind == SymbolPathElementKind.Server ? Tiers[^1].Trim() : "";

    /// <summary>The downstream stores of a server element (all tiers but the last).</summary>
    public IReadOnlyList<string> Downstream => Kind == SymbolPathElementKind.Server ? Tiers.Take(Tiers.Count - 1).Select(t => t.Trim()).ToArray() : [];

    public static bool IsUrl(string s) =>
        s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Text;

    private static bool StartsWithWord(string text, string word) => text.StartsWith(word, StringComparison.OrdinalIgnoreCase);
}
