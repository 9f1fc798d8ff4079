using System.Text;
using Ntdbg.Formats.PoolTags;

namespace Ntdbg.Fuzz;

/// <summary>
/// Fuzz target for the pooltag.txt reader: parse (which must never throw on odd lines), then look
/// up and describe every entry's tag, its case-flipped twin and a tag no file holds.
/// </summary>
public static class PoolTagFuzzTarget
{
    public static void Run(byte[] input)
    {
        // Latin-1 maps every byte to one character, so hostile bytes reach the parser unchanged.
        var db = PoolTagDatabase.Parse(Encoding.Latin1.GetString(input), "fuzz.txt");
        foreach (var e in db.Entries.Take(10_000))
        {
            _ = db.Lookup(e.Tag).Count;
            _ = db.Describe(e.Tag);
            _ = db.Lookup(e.Tag.ToUpperInvariant()).Count;
            _ = db.Lookup(e.Tag.TrimEnd()).Count;
        }
        foreach (var tag in new[] { "", "\0\0\0\0", "Leak", "????", "****", "toolong" })
            _ = db.Describe(tag);
    }
}
