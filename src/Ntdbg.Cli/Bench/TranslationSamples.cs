using Ntdbg.Commands.Commands.Processes;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Cli.Bench;

/// <summary>
/// The mapped pages `bench kernel` translates, found in the dump itself (not from the synthesizer's
/// description): each process's _EPROCESS page in the kernel's address space, the user pages of
/// each process's own address space (walked from its DirBase), and the 4 KiB pieces of the
/// kernel's large pages. Capped so a real dump's millions of pages keep the set small.
/// </summary>
public sealed class TranslationSamples
{
    private const int MaxUserPagesPerProcess = 4096;
    private const int MaxLargePagePieces = 1 << 16;
    private const int MaxKernelPagesVisited = 1 << 20;
    private const ulong UserEnd = 0x0000_8000_0000_0000, KernelStart = 0xFFFF_8000_0000_0000;

    /// <summary>Address spaces: [0] the kernel's (the dump header's DirBase), then one per process.</summary>
    public List<PageTableAddressSpace> Spaces { get; } = [];
    /// <summary>Mapped virtual pages with the index of the space they are mapped in.</summary>
    public List<(int Space, ulong Page)> Pages { get; } = [];
    public int UserPages { get; private set; }
    public int ObjectPages { get; private set; }
    public int LargePagePages { get; private set; }

    public static TranslationSamples Collect(PageTableAddressSpace kernel, IReadOnlyList<ProcessResult> processes)
    {
        var s = new TranslationSamples();
        s.Spaces.Add(kernel);
        foreach (var p in processes)
        {
            s.Pages.Add((0, p.Address & ~0xFFFUL));
            s.ObjectPages++;
            if (p.DirectoryTableBase is not ulong dirBase || dirBase == 0) continue;
            var space = kernel.WithDirectoryTableBase(dirBase);
            int index = s.Spaces.Count;
            s.Spaces.Add(space);
            int found = 0;
            space.VisitChunks(0, UserEnd, (va, data) =>
            {
                for (ulong page = va & ~0xFFFUL; page < va + (ulong)data.Length && found < MaxUserPagesPerProcess; page += 0x1000, found++)
                    s.Pages.Add((index, page));
                return found < MaxUserPagesPerProcess;
            });
            s.UserPages += found;
        }
        int visited = 0;
        kernel.VisitChunks(KernelStart, ulong.MaxValue, (va, data) =>
        {
            for (ulong page = va & ~0xFFFUL; page < va + (ulong)data.Length; page += 0x1000)
            {
                if (kernel.TryWalk(page, out var t, out _) && t.PageSize > 0x1000 && s.LargePagePages < MaxLargePagePieces)
                {
                    s.Pages.Add((0, page));
                    s.LargePagePages++;
                }
                if (++visited >= MaxKernelPagesVisited) return false;
            }
            return true;
        });
        return s;
    }
}
