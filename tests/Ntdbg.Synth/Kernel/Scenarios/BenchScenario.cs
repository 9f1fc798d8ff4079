namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// The kernel benchmarks' machine (issue 5): the basic kernel and drivers with
/// <see cref="DefaultProcessCount"/> processes, each with its own page tables (the kernel half
/// shared, as Windows shares it) and a few user pages (an image and a stack), plus a nonpaged-pool
/// region mapped with 2 MiB pages. Meant to be written with <see cref="SparseDumpWriter"/> as a
/// 4 GiB full dump; the pages it uses sit below 160 MiB, so 256 MiB of RAM is enough.
/// </summary>
public static class BenchScenario
{
    public const int DefaultProcessCount = 500;
    /// <summary>User pages of every process: an image (4 pages) and a stack (2 pages).</summary>
    public const ulong ImageBase = 0x00007ff6_a0000000, StackBase = 0x000000c0_0000_0000;
    public const int ImagePages = 4, StackPages = 2;
    /// <summary>Kernel VA of the large-page region and the physical address behind it (2 MiB aligned).</summary>
    public const ulong LargePageVa = 0xffffc08c_0000_0000, LargePagePhysical = 0x0800_0000;
    public const int LargePages = 4;

    // Names of at most 14 characters: _EPROCESS.ImageFileName keeps no more.
    private static readonly string[] Names = ["svchost.exe", "ctfmon.exe", "conhost.exe", "chrome.exe", "dllhost.exe", "taskhostw.exe", "SearchApp.exe", "sihost.exe"];

    public static KernelScenario Make(IsfLayout layout, int build) => Make(layout, build, DefaultProcessCount);

    public static KernelScenario Make(IsfLayout layout, int build, int processCount)
    {
        var s = KernelScenario.Basic(layout, build);
        s.Processes.Clear();
        s.PageVariety = false; // its own 2 MiB pages below; the 1 GiB page would not fit a small machine
        BenchPoolTags.AddTo(s); // !poolused's benchmark: thousands of tags over eight processors' tables
        var tables = new List<PageTableBuilder>();
        for (int i = 0; i < processCount; i++)
        {
            var pt = new PageTableBuilder(s.Memory);
            tables.Add(pt);
            string name = i == 0 ? "System" : i == 1 ? "smss.exe" : Names[i % Names.Length];
            ulong pid = i == 0 ? 4UL : 0x100UL + 4 * (ulong)i;
            ulong parent = i == 0 ? 0 : i == 1 ? 4UL : 0x104UL;
            s.Processes.Add(new SyntheticProcess(pid, parent, name, pt.Cr3));
            if (i == 0) continue; // System has no user half
            ulong image = ImageBase + (ulong)(i % 64) * 0x1000_0000; // spread over several page tables
            pt.AllocateAndMap(image, ImagePages);
            pt.WriteVirtual(image, "MZ"u8);
            pt.WriteVirtual(image + 0x40, System.Text.Encoding.ASCII.GetBytes(name));
            pt.AllocateAndMap(StackBase + (ulong)i * 0x10000, StackPages);
            pt.WriteVirtualUInt64(StackBase + (ulong)i * 0x10000 + 0x1ff8, pid);
        }
        for (int j = 0; j < LargePages; j++)
        {
            ulong pa = LargePagePhysical + (ulong)j * 0x20_0000;
            s.Tables.Map2M(LargePageVa + (ulong)j * 0x20_0000, pa);
            s.Memory.WriteUInt64(pa, 0x6c6f6f5065677261UL + (ulong)j); // a marker so the page holds data
        }
        // Every process sees the kernel half of the address space through its own PML4, as on Windows.
        s.BeforeDump.Add(k =>
        {
            for (int e = 256; e < 512; e++)
            {
                ulong entry = k.Memory.ReadUInt64(k.Tables.Cr3 + (ulong)e * 8);
                if (entry == 0) continue;
                foreach (var pt in tables) k.Memory.WriteUInt64(pt.Cr3 + (ulong)e * 8, entry);
            }
        });
        return s;
    }
}
