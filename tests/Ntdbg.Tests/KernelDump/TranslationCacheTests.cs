using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Tests.KernelDump;

/// <summary>
/// The translation cache (TLB) never changes an answer: every cached translation equals a fresh
/// page walk, one virtual page mapped differently in two address spaces (or two dumps) never aliases, threads
/// translating at once get the walk's answers, evictions
/// and set collisions (a sweep over many more pages than the cache holds) stay correct, and
/// faults are not cached.
/// </summary>
public sealed class TranslationCacheTests
{
    private const ulong SharedVa = 0x00007ff6_a0001000;   // mapped in both spaces, to different frames
    private const ulong HugeVa = 0xfffff808_0000_0000;   // a 1 GiB page in the kernel space
    private const ulong HugePhysical = 0x4000_0000;
    private const ulong TransitionVa = 0xfffff804_1234_5000;
    private const ulong UnmappedVa = 0xffffa000_0000_0000;

    private sealed class Machine : IDisposable
    {
        /// <param name="skipPages">Frames allocated before the shared page, so two machines differ only in where it lands.</param>
        public Machine(int skipPages = 0)
        {
            var memory = new SyntheticPhysicalMemory();
            var kernel = new PageTableBuilder(memory);
            var process = new PageTableBuilder(memory);
            for (int i = 0; i < skipPages; i++) memory.AllocatePage();
            KernelPfn = kernel.AllocateAndMap(SharedVa, 1);
            ProcessPfn = process.AllocateAndMap(SharedVa, 1);
            kernel.Map1G(HugeVa, HugePhysical);
            memory.Page(HugePhysical / 0x1000)[0] = 0x5a; // one saved frame of the huge page
            TransitionPfn = memory.AllocatePage();
            kernel.SetPte(TransitionVa, PageTableBuilder.TransitionPte(TransitionPfn));
            ProcessCr3 = process.Cr3;
            KernelCr3 = kernel.Cr3;
            var bytes = new KernelDumpBuilder { Kind = KernelDumpBuilder.Layout.Full, DirectoryTableBase = kernel.Cr3 }.Build(memory);
            Target = KernelDumpTarget.Open(MappedFile.FromBytes("tlb.dmp", bytes));
            Kernel = Target.AddressSpace!;
            Process = Kernel.WithDirectoryTableBase(ProcessCr3);
        }

        public ulong KernelPfn { get; }
        public ulong ProcessPfn { get; }
        public ulong TransitionPfn { get; }
        public ulong ProcessCr3 { get; }
        public ulong KernelCr3 { get; }
        public KernelDumpTarget Target { get; }
        public PageTableAddressSpace Kernel { get; }
        public PageTableAddressSpace Process { get; }
        public TranslationCache Cache => Kernel.Physical.Translations;
        public void Dispose() => Target.Dispose();
    }

    private static Translation Walked(PageTableAddressSpace space, ulong va)
    {
        Assert.True(space.TryWalk(va, out var t, out var fault), fault?.Detail);
        return t;
    }

    private static Translation Translated(PageTableAddressSpace space, ulong va)
    {
        Assert.True(space.TryTranslate(va, out var t, out var fault), fault?.Detail);
        return t;
    }

    [Fact]
    public void OnePageInTwoAddressSpacesNeverAliases()
    {
        using var m = new Machine();
        Assert.Same(m.Kernel.Physical.Translations, m.Process.Physical.Translations); // one cache for both
        for (int round = 0; round < 3; round++)
        {
            var k = Translated(m.Kernel, SharedVa + 0x123);
            var p = Translated(m.Process, SharedVa + 0x123);
            // The frames the builder allocated are the independent answer.
            Assert.Equal((m.KernelPfn << 12) + 0x123, k.PhysicalAddress);
            Assert.Equal((m.ProcessPfn << 12) + 0x123, p.PhysicalAddress);
            Assert.Equal(Walked(m.Kernel, SharedVa + 0x123), k);
            Assert.Equal(Walked(m.Process, SharedVa + 0x123), p);
        }
        Assert.True(m.Cache.Hits >= 4, $"{m.Cache.Hits} hits");
        // A fresh space object over the same DirBase finds the same cached answer.
        Assert.Equal((m.ProcessPfn << 12) + 0x7, Translated(m.Kernel.WithDirectoryTableBase(m.ProcessCr3), SharedVa + 7).PhysicalAddress);
    }

    [Fact]
    public void TwoDumpsWithTheSameTableBaseNeverShareAnswers()
    {
        using var a = new Machine();
        using var b = new Machine(skipPages: 3);
        Assert.Equal(a.KernelCr3, b.KernelCr3); // same DirBase, same VA, different frames
        Assert.NotEqual(a.KernelPfn, b.KernelPfn);
        for (int round = 0; round < 3; round++)
        {
            Assert.Equal((a.KernelPfn << 12) + 8, Translated(a.Kernel, SharedVa + 8).PhysicalAddress);
            Assert.Equal((b.KernelPfn << 12) + 8, Translated(b.Kernel, SharedVa + 8).PhysicalAddress);
        }
    }

    [Fact]
    public void ThreadsTranslatingAtOnceGetTheWalksAnswers()
    {
        using var m = new Machine();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (int i = 0; i < 50_000; i++)
            {
                var space = (i + t) % 3 == 0 ? m.Process : m.Kernel;
                ulong va = space == m.Process ? SharedVa + (ulong)(i & 0xFFF) : HugeVa + (ulong)((i * 7 + t) % 4096) * 0x1000;
                if (!space.TryTranslate(va, out var got, out _) || !space.TryWalk(va, out var walked, out _) || got != walked)
                    failures.Add($"thread {t}: 0x{va:x}");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);
    }

    [Fact]
    public void LargePagesAndTransitionPagesKeepTheirSizeAndFlags()
    {
        using var m = new Machine();
        for (int i = 0; i < 2; i++)
        {
            var huge = Translated(m.Kernel, HugeVa + 0x1234_5678);
            Assert.Equal((HugePhysical + 0x1234_5678, 0x4000_0000UL, false), (huge.PhysicalAddress, huge.PageSize, huge.Transition));
            var transition = Translated(m.Kernel, TransitionVa + 0x10);
            Assert.Equal(((m.TransitionPfn << 12) + 0x10, 0x1000UL, true), (transition.PhysicalAddress, transition.PageSize, transition.Transition));
        }
        // Another offset in the same cached page keeps its own low bits.
        Assert.Equal(HugePhysical + 0x1234_5FFF, Translated(m.Kernel, HugeVa + 0x1234_5FFF).PhysicalAddress);
        var buffer = new byte[1];
        Assert.Equal(1, m.Target.Memory.Read(HugeVa, buffer, out _));
        Assert.Equal(0x5a, buffer[0]);
    }

    [Fact]
    public void SweepsBeyondTheCacheSizeStayCorrect()
    {
        using var m = new Machine();
        // Four times as many pages as the cache has slots: every set collides and evicts many times.
        int pages = TranslationCache.Slots * 4;
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < pages; i++)
            {
                ulong va = HugeVa + (ulong)i * 0x1000 + (ulong)(i & 0xFFF);
                var t = Translated(m.Kernel, va);
                Assert.Equal(HugePhysical + (ulong)i * 0x1000 + (ulong)(i & 0xFFF), t.PhysicalAddress);
                if ((i & 0x3FF) == 0) Assert.Equal((m.ProcessPfn << 12) | 0x10, Translated(m.Process, SharedVa + 0x10).PhysicalAddress);
            }
        // A short loop over few pages is then served from the cache.
        long before = m.Cache.Hits;
        for (int i = 0; i < 100; i++) Translated(m.Kernel, HugeVa + (ulong)(i % 10) * 0x1000);
        Assert.True(m.Cache.Hits - before >= 90, $"{m.Cache.Hits - before} hits of 100");
    }

    [Fact]
    public void FaultsAreNotCached()
    {
        using var m = new Machine();
        long misses = m.Cache.Misses;
        Assert.False(m.Kernel.TryTranslate(UnmappedVa, out _, out var first));
        Assert.False(m.Kernel.TryTranslate(UnmappedVa, out _, out var second));
        Assert.NotNull(first);
        Assert.Equal(first!.Detail, second!.Detail);
        Assert.Equal(misses + 2, m.Cache.Misses);
        // The process space does not map the kernel's page: its walk faults even after the kernel's answer was cached.
        Translated(m.Kernel, TransitionVa);
        Assert.False(m.Process.TryTranslate(TransitionVa, out _, out _));
    }
}
