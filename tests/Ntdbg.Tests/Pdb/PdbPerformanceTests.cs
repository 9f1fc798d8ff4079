using System.Diagnostics;
using Ntdbg.Core.IO;
using Ntdbg.Formats.Pdb;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// Open is cheap (superblock, directory, info, DBI header) and the first public lookup on a
/// ~1 MB PDB stays far below the 50 ms budget of the symbol layer. Measured after one warm-up
/// run so JIT time is not counted.
/// </summary>
public class PdbPerformanceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [SharedDataFact("pdb/dump_syms_regtest64.pdb")]
    public void OpenAndFirstPublicLookupOnOneMegabytePdb()
    {
        string path = TestData.Shared("pdb/dump_syms_regtest64.pdb");
        Assert.True(new FileInfo(path).Length > 900_000);
        Measure(path); // warm-up
        var (open, lookup, types) = Measure(path);
        output.WriteLine($"open {open.TotalMilliseconds:F2} ms, open + first public lookup {lookup.TotalMilliseconds:F2} ms, first UDT by name {types.TotalMilliseconds:F2} ms");
        Assert.True(open < TimeSpan.FromMilliseconds(20), $"open took {open.TotalMilliseconds:F1} ms");
        Assert.True(lookup < TimeSpan.FromMilliseconds(50), $"open + first lookup took {lookup.TotalMilliseconds:F1} ms");
        Assert.True(types < TimeSpan.FromMilliseconds(100), $"first type lookup took {types.TotalMilliseconds:F1} ms");
    }

    private static (TimeSpan Open, TimeSpan Lookup, TimeSpan Types) Measure(string path)
    {
        using var file = MappedFile.Open(path);
        var sw = Stopwatch.StartNew();
        var pdb = PdbFile.Open(file);
        var open = sw.Elapsed;
        // A linear scan stands in for the symbol layer's index: the cost measured is reading.
        var publics = pdb.Publics;
        uint? best = null;
        string name = "";
        for (int i = 0; i < publics.Count; i++)
        {
            var rva = pdb.SectionRvaOf(publics[i].Section, publics[i].Offset);
            if (rva is uint r && r <= 0x1234 && (best == null || r > best)) { best = r; name = publics[i].Name; }
        }
        var lookup = sw.Elapsed;
        Assert.NotNull(best);
        Assert.NotEmpty(name);
        sw.Restart();
        var udt = pdb.Types.FindUdtByName("google_breakpad::C");
        Assert.NotNull(udt);
        Assert.NotEmpty(pdb.Types.FieldListMembers(udt.FieldList));
        return (open, lookup, sw.Elapsed);
    }
}
