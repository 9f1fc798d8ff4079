using Ntdbg.Synth.Kernel.Scenarios;

namespace Ntdbg.Synth.Kernel;

/// <summary>
/// Writes a 64-bit full (type 1) kernel dump of a machine with a given amount of RAM without
/// holding it: the header, then only the pages the scenario wrote, each at its file offset; every
/// other page is a hole (the file is sized with SetLength, so it is sparse and reads as zeros).
/// A 4 GiB dump takes a second and a few MiB of disk.
/// </summary>
public static class SparseDumpWriter
{
    private const int PageSize = 0x1000;
    private const ulong HeaderSize = 0x2000;

    /// <summary>
    /// Physical memory runs of a PC with <paramref name="bytes"/> of RAM, as firmware reports them:
    /// frames 1..0x9e (below the legacy video hole), 0x100 up to 3 GiB (the PCI hole follows) and
    /// the rest from 4 GiB on. Smaller machines stop early.
    /// </summary>
    public static IReadOnlyList<(ulong Base, ulong Count)> MachineRuns(ulong bytes)
    {
        ulong pages = bytes / PageSize;
        var runs = new List<(ulong Base, ulong Count)>();
        foreach (var (start, end) in new[] { (0x1UL, 0x9fUL), (0x100UL, 0xC0000UL), (0x100000UL, ulong.MaxValue) })
        {
            if (pages == 0) break;
            ulong n = Math.Min(pages, end - start);
            runs.Add((start, n));
            pages -= n;
        }
        return runs;
    }

    /// <summary>Parses "4G", "512M", "65536K" or a byte count.</summary>
    public static ulong ParseSize(string text)
    {
        text = text.Trim();
        ulong unit = char.ToUpperInvariant(text[^1]) switch { 'G' => 1UL << 30, 'M' => 1UL << 20, 'K' => 1UL << 10, _ => 1 };
        string digits = unit == 1 ? text : text[..^1];
        return ulong.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) * unit;
    }

    /// <summary>Lays the scenario out (<see cref="KernelScenario.Write"/>) and writes it as a sparse full dump of <paramref name="ramBytes"/>.</summary>
    public static void Write(string path, KernelScenario scenario, ulong ramBytes)
    {
        scenario.Write(KernelDumpBuilder.Layout.Full); // lays out every structure; the small in-memory dump is dropped
        Write(path, scenario.DumpBuilder!, scenario.Memory, MachineRuns(ramBytes));
    }

    public static void Write(string path, KernelDumpBuilder header, SyntheticPhysicalMemory memory, IReadOnlyList<(ulong Base, ulong Count)> runs)
    {
        // File offset of each run's first page: runs follow each other after the header.
        var offsets = new ulong[runs.Count];
        ulong offset = HeaderSize;
        for (int i = 0; i < runs.Count; i++)
        {
            offsets[i] = offset;
            offset += runs[i].Count * PageSize;
        }
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        file.SetLength((long)offset);
        file.Write(header.BuildFullHeader64(runs));
        foreach (var pfn in memory.Frames)
        {
            int run = FindRun(runs, pfn);
            if (run < 0) throw new InvalidOperationException($"the scenario wrote PFN 0x{pfn:x}, outside the machine's physical memory runs");
            file.Position = (long)(offsets[run] + (pfn - runs[run].Base) * PageSize);
            file.Write(memory.Pages[pfn]);
        }
    }

    private static int FindRun(IReadOnlyList<(ulong Base, ulong Count)> runs, ulong pfn)
    {
        for (int i = 0; i < runs.Count; i++)
            if (pfn >= runs[i].Base && pfn - runs[i].Base < runs[i].Count) return i;
        return -1;
    }
}
