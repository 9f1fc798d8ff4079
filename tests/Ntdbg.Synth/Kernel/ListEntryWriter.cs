namespace Ntdbg.Synth.Kernel;

/// <summary>Doubly linked LIST_ENTRY rings as the kernel keeps them: the head, then each entry, Flink at +0 and Blink at +8.</summary>
public static class ListEntryWriter
{
    /// <summary>Links <paramref name="entries"/> (addresses of their LIST_ENTRY fields) in order into the ring at <paramref name="head"/>; no entries leave the head pointing at itself.</summary>
    public static void Link(PageTableBuilder pt, ulong head, IReadOnlyList<ulong> entries)
    {
        ulong At(int i) => i < 0 || i >= entries.Count ? head : entries[i];
        pt.WriteVirtualUInt64(head, At(0));
        pt.WriteVirtualUInt64(head + 8, At(entries.Count - 1));
        for (int i = 0; i < entries.Count; i++)
        {
            pt.WriteVirtualUInt64(entries[i], At(i + 1));
            pt.WriteVirtualUInt64(entries[i] + 8, At(i - 1));
        }
    }
}
