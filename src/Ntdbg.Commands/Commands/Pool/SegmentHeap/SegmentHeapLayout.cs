using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Pool.SegmentHeap;

/// <summary>A bitfield's place inside a little-endian integer read from its structure: byte offset, first bit, width.</summary>
public readonly record struct BitField(ulong Offset, int Position, int Length)
{
    /// <summary>The field's value out of <paramref name="unit"/>, an integer read at the structure's start.</summary>
    public ulong From(ulong unit) => (unit >> (int)(Offset * 8 + (ulong)Position)) & Mask;

    /// <summary>The field's value out of a structure's bytes (read at its offset, so it may lie past the first 8 bytes).</summary>
    public ulong Read(byte[] structure)
    {
        Span<byte> wide = stackalloc byte[8];
        wide.Clear();
        int at = (int)Offset;
        if (at < structure.Length) structure.AsSpan(at, Math.Min(8, structure.Length - at)).CopyTo(wide);
        return (BitConverter.ToUInt64(wide) >> Position) & Mask;
    }

    private ulong Mask => Length >= 64 ? ulong.MaxValue : (1UL << Length) - 1;
}

/// <summary>
/// The field offsets, sizes and bit positions of the segment-heap structures the pool walk reads,
/// taken from the kernel's own symbols (nt!_SEGMENT_HEAP, _HEAP_PAGE_SEGMENT, ...), so every build
/// is read at its layout. <see cref="Load"/> returns null, with a note naming what is missing,
/// when the kernel's symbols lack one of them (a kernel before 19H1 has no segment-heap pool).
/// </summary>
public sealed record SegmentHeapLayout(
    ulong PoolStateNumberOfPools, ulong PoolStatePoolNode, ulong PoolNodeCount, ulong PoolNodeSize,
    ulong PoolNodeHeaps, ulong HeapsPerNode,
    ulong GlobalsHeapKey, ulong GlobalsLfhKey,
    ulong HeapSegContexts, ulong SegContextCount, ulong SegContextSize,
    ulong SegContextSegmentMask, ulong SegContextUnitShift, ulong SegContextFirstDescriptorIndex, ulong SegContextSegmentListHead,
    ulong SegmentSignature, ulong SegmentDescArray, ulong DescriptorCount, ulong DescriptorSize,
    ulong DescriptorRangeFlags, ulong DescriptorUnitOffset, ulong DescriptorUnitSize,
    ulong VsSubsegmentSize, ulong VsSubsegmentSizeField, BitField VsSubsegmentSignature,
    ulong VsChunkHeaderSize, BitField VsUnsafeSize, BitField VsUnsafePrevSize, BitField VsAllocated, ulong VsAllocatedChunkBits,
    ulong LfhBlockCount, ulong LfhBlockOffsets, ulong LfhBlockBitmap, BitField LfhBlockSize, BitField LfhFirstBlockOffset,
    ulong PoolHeaderSize, ulong PoolHeaderTag,
    ulong HeapVsConfig, BitField? PageAlignLargeAllocs,
    long? RangeTypeLfh, long? RangeTypeVs, long PagedHeapTypeMin)
{
    public static SegmentHeapLayout? Load(DebugSession session, List<string> notes)
    {
        var missing = new List<string>();
        UdtType? T(string name)
        {
            if (session.SymbolTable.FindType("nt!" + name)?.Type is UdtType { IsIncomplete: false } udt) return udt;
            missing.Add(name);
            return null;
        }
        var state = T("_EX_POOL_HEAP_MANAGER_STATE");
        var node = T("_EX_HEAP_POOL_NODE");
        var globals = T("_RTLP_HP_HEAP_GLOBALS");
        var heap = T("_SEGMENT_HEAP");
        var context = T("_HEAP_SEG_CONTEXT");
        var segment = T("_HEAP_PAGE_SEGMENT");
        var descriptor = T("_HEAP_PAGE_RANGE_DESCRIPTOR");
        var vsSub = T("_HEAP_VS_SUBSEGMENT");
        var vsHeader = T("_HEAP_VS_CHUNK_HEADER");
        var vsSizes = T("_HEAP_VS_CHUNK_HEADER_SIZE");
        var lfhSub = T("_HEAP_LFH_SUBSEGMENT");
        var lfhOffsets = T("_HEAP_LFH_SUBSEGMENT_ENCODED_OFFSETS");
        var poolHeader = T("_POOL_HEADER");
        if (missing.Count > 0)
        {
            notes.Add($"the kernel's symbols lack {string.Join(", ", missing.Select(m => "nt!" + m))}: the segment-heap pool cannot be read");
            return null;
        }

        var fields = new FieldFinder(missing);
        var layout = new SegmentHeapLayout(
            fields.Offset(state!, "NumberOfPools"), fields.Offset(state!, "PoolNode"), fields.Count(state!, "PoolNode"), node!.Size,
            fields.Offset(node, "Heaps"), fields.Count(node, "Heaps"),
            fields.Offset(globals!, "HeapKey"), fields.Offset(globals!, "LfhKey"),
            fields.Offset(heap!, "SegContexts"), fields.Count(heap!, "SegContexts"), context!.Size,
            fields.Offset(context, "SegmentMask"), fields.Offset(context, "UnitShift"), fields.Offset(context, "FirstDescriptorIndex"), fields.Offset(context, "SegmentListHead"),
            fields.Offset(segment!, "Signature"), fields.Offset(segment!, "DescArray"), fields.Count(segment!, "DescArray"), descriptor!.Size,
            fields.Offset(descriptor, "RangeFlags"), fields.Offset(descriptor, "UnitOffset"), fields.Offset(descriptor, "UnitSize"),
            vsSub!.Size, fields.Offset(vsSub, "Size"), fields.Bits(vsSub, "Signature"),
            vsHeader!.Size, fields.Bits(vsSizes!, "UnsafeSize"), fields.Bits(vsSizes!, "UnsafePrevSize"), fields.Bits(vsSizes!, "Allocated"),
            fields.Offset(vsHeader, "AllocatedChunkBits"),
            fields.Offset(lfhSub!, "BlockCount"), fields.Offset(lfhSub!, "BlockOffsets"), fields.Offset(lfhSub!, "BlockBitmap"),
            fields.Bits(lfhOffsets!, "BlockSize"), fields.Bits(lfhOffsets!, "FirstBlockOffset"),
            poolHeader!.Size, fields.Offset(poolHeader, "PoolTag"),
            fields.Offset(heap!, "VsContext") + (T("_HEAP_VS_CONTEXT") is { } vsContext ? fields.Offset(vsContext, "Config") : 0), PageAlign(session),
            EnumValue(session, "_HEAP_SEG_RANGE_TYPE", "HeapSegRangeLFH"), EnumValue(session, "_HEAP_SEG_RANGE_TYPE", "HeapSegRangeVS"),
            EnumValue(session, "_EX_HEAP_TYPE", "ExHeapTypePagedMin") ?? 2);
        if (missing.Count > 0)
        {
            notes.Add($"the kernel's segment-heap structures lack the fields {string.Join(", ", missing)}: the segment-heap pool cannot be read");
            return null;
        }
        if (layout.RangeTypeLfh is null || layout.RangeTypeVs is null)
            notes.Add("nt!_HEAP_SEG_RANGE_TYPE is not in the kernel's symbols: LFH and VS page ranges cannot be told apart");
        return layout;
    }

    /// <summary>_RTL_HP_VS_CONFIG.Flags.PageAlignLargeAllocs, null when the symbols do not describe it (then no chunk is taken as page-aligned).</summary>
    private static BitField? PageAlign(DebugSession session) =>
        session.SymbolTable.FindType("nt!_RTL_HP_VS_CONFIG")?.Type is UdtType config && config.GetField("Flags") is { Type: UdtType flags } outer
        && flags.GetField("PageAlignLargeAllocs") is { IsBitfield: true } bit ? new BitField(outer.Offset + bit.Offset, bit.BitPosition, bit.BitLength) : null;

    private static long? EnumValue(DebugSession session, string type, string constant) =>
        session.SymbolTable.FindType("nt!" + type)?.Type is EnumType e && e.Constants.FirstOrDefault(c => c.Name == constant) is { Name: not null } c ? c.Value : null;

    /// <summary>Looks fields up by name, collecting the names it cannot find instead of failing on the first.</summary>
    private sealed class FieldFinder(List<string> missing)
    {
        private UdtField? Find(UdtType type, string name)
        {
            var f = type.GetField(name);
            if (f == null) missing.Add($"{type.Name}.{name}");
            return f;
        }

        public ulong Offset(UdtType type, string name) => Find(type, name)?.Offset ?? 0;

        public ulong Count(UdtType type, string name)
        {
            var f = Find(type, name);
            if (f == null) return 0;
            if (f.Type is ArrayType a) return a.Count;
            missing.Add($"{type.Name}.{name} (not an array)");
            return 0;
        }

        /// <summary>A bitfield, or a whole integer member treated as one (BlockSize is a plain USHORT).</summary>
        public BitField Bits(UdtType type, string name)
        {
            var f = Find(type, name);
            if (f == null) return default;
            return f.IsBitfield ? new BitField(f.Offset, f.BitPosition, f.BitLength) : new BitField(f.Offset, 0, (int)f.Type.Size * 8);
        }
    }
}
