using System.Buffers.Binary;

namespace Ntdbg.Synth.Heaps;

/// <summary>
/// Wraps synthetic heaps in an x64 user minidump: one thread whose TEB points at a PEB whose ProcessHeap
/// is the first heap and whose ProcessHeaps array (NumberOfHeaps entries) lists them all, at the x64 PEB's
/// documented offsets (Peb 0x60 in the TEB; ProcessHeap 0x30, NumberOfHeaps 0xE8, ProcessHeaps 0xF0).
/// Heap pages go to the Memory64 list.
/// </summary>
public static class HeapMinidumpWriter
{
    public const ulong Teb = 0x7ff0_0000_0000, Peb = 0x7ff0_0001_0000, HeapArray = Peb + 0x800, StackStart = 0x10_0000;
    public const uint ThreadId = 0x1a4;

    public static byte[] Write(IReadOnlyList<ulong> heaps, IEnumerable<SparsePages> memory)
    {
        var teb = new byte[0x1000];
        BinaryPrimitives.WriteUInt64LittleEndian(teb.AsSpan(0x60), Peb);
        var peb = new byte[0x1000];
        BinaryPrimitives.WriteUInt64LittleEndian(peb.AsSpan(0x30), heaps[0]);
        BinaryPrimitives.WriteUInt32LittleEndian(peb.AsSpan(0xE8), (uint)heaps.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(peb.AsSpan(0xF0), HeapArray);
        for (int i = 0; i < heaps.Count; i++) BinaryPrimitives.WriteUInt64LittleEndian(peb.AsSpan((int)(HeapArray - Peb) + 8 * i), heaps[i]);
        var builder = new MinidumpBuilder()
            .WithSystemInfo(MinidumpBuilder.ArchAmd64)
            .AddThread(ThreadId, Teb, StackStart, new byte[0x100], ContextBuilder.X64(new Dictionary<string, ulong> { ["rip"] = 0x7ff6_0000_1000, ["rsp"] = StackStart + 0x80 }), stackInMemoryList: false)
            .AddMemory64(Teb, teb)
            .AddMemory64(Peb, peb);
        foreach (var pages in memory)
            foreach (var (address, data) in pages.Regions()) builder.AddMemory64(address, data);
        return builder.Build().Bytes;
    }
}
