using Ntdbg.Core.Errors;
using Ntdbg.Symbols.Isf;

namespace Ntdbg.Tests.Isf;

/// <summary>
/// A short mutation run over a synthetic table: byte flips, insertions, deletions and splices.
/// Only <see cref="DumpFormatException"/> may escape the parser, and whatever loads must answer
/// every query (sizes of every field, lookups) without throwing.
/// </summary>
public sealed class IsfMutationTests
{
    [Fact]
    public void MutatedTablesFailCleanlyOrLoadUsably()
    {
        byte[] seed = IsfSyntheticTableTests.Sample().BuildUtf8();
        byte[] tokens = "{}[]\":,-0123456789eE.ntrufalse"u8.ToArray();
        var rng = new Random(20261123);
        int loaded = 0, rejected = 0;
        for (int i = 0; i < 3000; i++)
        {
            var bytes = new List<byte>(seed);
            int edits = rng.Next(1, 6);
            for (int e = 0; e < edits && bytes.Count > 1; e++)
            {
                int at = rng.Next(bytes.Count);
                switch (rng.Next(4))
                {
                    case 0: bytes[at] = tokens[rng.Next(tokens.Length)]; break;
                    case 1: bytes.Insert(at, tokens[rng.Next(tokens.Length)]); break;
                    case 2: bytes.RemoveAt(at); break;
                    default:
                        int from = rng.Next(bytes.Count), len = Math.Min(rng.Next(1, 40), bytes.Count - from);
                        bytes.InsertRange(at, bytes.GetRange(from, len));
                        break;
                }
            }
            IsfSymbolTable table;
            try { table = IsfSymbolTable.Parse("mutant.json", bytes.ToArray()); }
            catch (DumpFormatException ex) { Assert.DoesNotContain('\n', ex.Message); rejected++; continue; }
            loaded++;
            foreach (var type in table.UserTypes.Values)
                foreach (var f in type.Fields) _ = (table.SizeOf(f.Type), f.Type.ToString());
            foreach (var s in table.Symbols) Assert.True(table.TryFindByRva(s.Rva, out _, out uint d) && d == 0);
            _ = table.FindSymbols("*a*");
            _ = table.PointerSize;
        }
        Assert.True(loaded > 0 && rejected > 0, $"loaded {loaded}, rejected {rejected}");
    }
}
