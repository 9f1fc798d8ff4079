namespace Ntdbg.Formats.PoolTags;

/// <summary>
/// One line of pooltag.txt. <see cref="Tag"/> is always 4 characters: shorter tags are padded with
/// spaces, because the pool header stores "Ntf " with the space. It may hold `?` (any one character)
/// and `*` (any rest). <see cref="Binary"/> is null for `&lt;unknown&gt;`.
/// </summary>
public sealed record PoolTagEntry(string Tag, string? Binary, string Description, int Line)
{
    public bool IsWildcard => Tag.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Characters matched literally before any `*`: the higher, the more specific the entry.</summary>
    public int Specificity
    {
        get
        {
            int n = 0;
            foreach (char c in Tag)
            {
                if (c == '*') break;
                if (c != '?') n++;
            }
            return n;
        }
    }

    public bool Matches(string tag)
    {
        for (int i = 0; i < PoolTagDatabase.TagLength; i++)
        {
            char p = Tag[i];
            if (p == '*') return true;
            if (p != '?' && p != tag[i]) return false;
        }
        return true;
    }
}
