using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Synth.Kernel;

/// <summary>A driver for <see cref="KernelStructWriter.WriteModuleList64"/>.</summary>
public sealed record SyntheticDriver(string FileName, ulong Base, uint Size, uint TimeDateStamp, uint CheckSum);

/// <summary>The processor-related KDBG fields (KiProcessorBlock and _KPRCB/_KTHREAD offsets).</summary>
public sealed record KdbgProcessorFields(ulong KiProcessorBlock, ulong MmUnloadedDrivers, ushort SizePrcb, ushort OffsetPrcbNumber, ushort OffsetPrcbCurrentThread,
    ushort OffsetPrcbProcStateContext, ushort OffsetPrcbContext, ushort OffsetKThreadApcProcess);

/// <summary>Writes x64 kernel structures into mapped virtual memory: a KDBG block and PsLoadedModuleList.</summary>
public static class KernelStructWriter
{
    public const int KdbgSize = 0x380;
    /// <summary>_KLDR_DATA_TABLE_ENTRY (x64, Windows 10): DllBase 0x30, SizeOfImage 0x40, FullDllName 0x48, BaseDllName 0x58, CheckSum 0x78, TimeDateStamp 0x9c.</summary>
    public const int LdrEntryStride = 0x100;

    /// <summary>_KDDEBUGGER_DATA64 with the 'KDBG' tag, Size, KernBase, PsLoadedModuleList, PsActiveProcessHead and NtBuildLab.</summary>
    public static void WriteKdbg64(PageTableBuilder pt, ulong va, ulong kernBase, ulong psLoadedModuleList, ulong psActiveProcessHead, ulong ntBuildLab,
        KdbgProcessorFields? processor = null)
    {
        var k = new byte[KdbgSize];
        var s = k.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x00..], va); // List.Flink
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x08..], va);
        Encoding.ASCII.GetBytes("KDBG").CopyTo(k, 0x10);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x14..], KdbgSize);
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x18..], kernBase);
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x48..], psLoadedModuleList);
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x50..], psActiveProcessHead);
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x208..], ntBuildLab);
        if (processor != null)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(s[0x218..], processor.KiProcessorBlock);
            BinaryPrimitives.WriteUInt64LittleEndian(s[0x220..], processor.MmUnloadedDrivers);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x2a0..], processor.OffsetKThreadApcProcess);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x2b0..], processor.SizePrcb);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x2b4..], processor.OffsetPrcbCurrentThread);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x2bc..], processor.OffsetPrcbProcStateContext);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x2be..], processor.OffsetPrcbNumber);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x338..], processor.OffsetPrcbContext);
        }
        pt.WriteVirtual(va, k);
    }

    /// <summary>
    /// A LIST_ENTRY head at <paramref name="headVa"/> and one entry per driver from
    /// <paramref name="entriesVa"/>, names after the entries. With <paramref name="layout"/> the
    /// entries are the build's own _KLDR_DATA_TABLE_ENTRY (or _LDR_DATA_TABLE_ENTRY where the
    /// table has no kernel variant, as on Windows 7 and 8.1), every field at the table's offset;
    /// without it, the Windows 10 x64 offsets of <see cref="LdrEntryStride"/>. With
    /// <paramref name="loopToSecond"/> the last entry's Flink points back at the second entry.
    /// </summary>
    public static void WriteModuleList64(PageTableBuilder pt, ulong headVa, ulong entriesVa, IReadOnlyList<SyntheticDriver> drivers, bool loopToSecond = false,
        IsfLayout? layout = null)
    {
        var fields = layout != null ? LdrEntryFields.From(layout) : LdrEntryFields.Windows10;
        ulong stringsVa = entriesVa + (ulong)drivers.Count * (ulong)fields.Stride;
        ulong Entry(int i) => entriesVa + (ulong)i * (ulong)fields.Stride;
        var head = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(head, drivers.Count > 0 ? Entry(0) : headVa);
        BinaryPrimitives.WriteUInt64LittleEndian(head.AsSpan(8), drivers.Count > 0 ? Entry(drivers.Count - 1) : headVa);
        pt.WriteVirtual(headVa, head);
        for (int i = 0; i < drivers.Count; i++)
        {
            var d = drivers[i];
            var e = new byte[fields.Stride];
            var s = e.AsSpan();
            ulong flink = i + 1 < drivers.Count ? Entry(i + 1) : loopToSecond && drivers.Count > 1 ? Entry(1) : headVa;
            ulong blink = i > 0 ? Entry(i - 1) : headVa;
            BinaryPrimitives.WriteUInt64LittleEndian(s[fields.Links..], flink);
            BinaryPrimitives.WriteUInt64LittleEndian(s[(fields.Links + 8)..], blink);
            BinaryPrimitives.WriteUInt64LittleEndian(s[fields.DllBase..], d.Base);
            BinaryPrimitives.WriteUInt32LittleEndian(s[fields.SizeOfImage..], d.Size);
            string full = ImagePath(d.FileName);
            stringsVa = WriteUnicodeString(pt, s[fields.FullDllName..], stringsVa, full);
            stringsVa = WriteUnicodeString(pt, s[fields.BaseDllName..], stringsVa, d.FileName);
            if (fields.CheckSum is int checkSum) BinaryPrimitives.WriteUInt32LittleEndian(s[checkSum..], d.CheckSum);
            BinaryPrimitives.WriteUInt32LittleEndian(s[fields.TimeDateStamp..], d.TimeDateStamp);
            pt.WriteVirtual(Entry(i), e);
        }
    }

    /// <summary>
    /// nt!MmUnloadedDrivers at <paramref name="variableVa"/> pointing at an array of 50 UNLOADED_DRIVERS
    /// (0x28 bytes: UNICODE_STRING Name, StartAddress, EndAddress, CurrentTime) at <paramref name="arrayVa"/>,
    /// names stored after the array.
    /// </summary>
    public static void WriteUnloadedDrivers64(PageTableBuilder pt, ulong variableVa, ulong arrayVa, IReadOnlyList<(string Name, ulong Start, ulong End)> drivers)
    {
        pt.WriteVirtualUInt64(variableVa, arrayVa);
        ulong strings = arrayVa + 50 * 0x28;
        for (int i = 0; i < drivers.Count; i++)
        {
            var e = new byte[0x28];
            strings = WriteUnicodeString(pt, e, strings, drivers[i].Name);
            BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(0x10), drivers[i].Start);
            BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(0x18), drivers[i].End);
            BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(0x20), 0x01d707f23dbb0000);
            pt.WriteVirtual(arrayVa + (ulong)i * 0x28, e);
        }
    }

    /// <summary>Where Windows loads a kernel module from: the kernel and HAL from system32, drivers from system32\drivers.</summary>
    public static string ImagePath(string fileName) =>
        fileName.EndsWith(".sys", StringComparison.OrdinalIgnoreCase) ? @"\SystemRoot\system32\drivers\" + fileName : @"\SystemRoot\system32\" + fileName;

    private static ulong WriteUnicodeString(PageTableBuilder pt, Span<byte> field, ulong bufferVa, string text)
    {
        var bytes = Encoding.Unicode.GetBytes(text);
        BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)bytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(field[2..], (ushort)(bytes.Length + 2));
        BinaryPrimitives.WriteUInt64LittleEndian(field[8..], bufferVa);
        pt.WriteVirtual(bufferVa, bytes);
        return bufferVa + (ulong)((bytes.Length + 2 + 7) & ~7);
    }
}
