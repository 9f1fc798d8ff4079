using Ntdbg.Formats.KernelDump;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.KernelDump;

/// <summary>
/// rizin's page maps for its 85 MB bitmap dump (shared/testdata/kernel/rizin_dmp_expected_x64.txt,
/// test "Triage Dump Debug arm64", `oml`): each line is a run of present pages and the file offset
/// rizin found for it. A bitmap with the same set bits must give the same offsets.
/// </summary>
public sealed class RizinBitmapPageMapTests
{
    [SharedDataFact("kernel/rizin_dmp_expected_x64.txt")]
    public void OffsetsOfPresentRunsEqualRizins()
    {
        var text = File.ReadAllLines(TestData.Shared("kernel/rizin_dmp_expected_x64.txt"));
        var line = new System.Text.RegularExpressions.Regex(@"^\s*\d+ fd: \d+ \+0x([0-9a-f]+) 0x([0-9a-f]+) - 0x([0-9a-f]+) r-- fmap");
        var maps = text.Select(l => line.Match(l)).Where(m => m.Success)
            .Select(m => (Offset: Convert.ToInt64(m.Groups[1].Value, 16), Start: Convert.ToUInt64(m.Groups[2].Value, 16), End: Convert.ToUInt64(m.Groups[3].Value, 16)))
            .ToList();
        Assert.True(maps.Count >= 40, $"only {maps.Count} page maps parsed");
        // rizin's header for that dump: HeaderSize (first page offset) 0xa038, BitmapSize 0x40000 pages.
        const long firstPage = 0xa038;
        const int bits = 0x40000;
        var bitmap = new byte[bits / 8];
        foreach (var (_, start, end) in maps)
            for (ulong pfn = start / 0x1000; pfn <= end / 0x1000; pfn++) bitmap[pfn / 8] |= (byte)(1 << (int)(pfn % 8));
        var map = new BitmapPageMap(bitmap, bits, firstPage);
        Assert.Equal(firstPage, maps[0].Offset);
        foreach (var (offset, start, end) in maps)
        {
            Assert.True(map.TryGetFileOffset(start / 0x1000, out long ours));
            Assert.Equal(offset, ours);
        }
        var runs = map.RunsFrom(0).ToList();
        Assert.Equal(maps.Select(m => (m.Start / 0x1000, (m.End + 1 - m.Start) / 0x1000, m.Offset)), runs.Select(r => (r.FirstPfn, r.PageCount, r.FileOffset)));
    }
}
