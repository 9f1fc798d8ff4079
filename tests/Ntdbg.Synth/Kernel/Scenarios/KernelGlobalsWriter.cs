using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// The parts of a kernel machine that every real dump has and that tools other than ntdbg
/// (Volatility 3 first) look for before they list anything: the page-table self-map entry in the
/// PML4, KUSER_SHARED_DATA at its fixed address, nt!KdVersionBlock and nt!KeNumberProcessors.
/// Also the Windows 8+ encoding of the KDBG, and a header that lies about where the globals are.
/// Every field is placed from the build's ISF table.
/// </summary>
public static class KernelGlobalsWriter
{
    /// <summary>The PML4 slot Windows before 10 1607 always used for the self-map (later ones randomise it).</summary>
    public const int SelfMapIndex = 0x1ed;
    public const ulong KUserSharedData = 0xfffff78000000000;
    /// <summary>Where <see cref="HeaderDamage.Wrong"/> points the header: canonical kernel space with nothing mapped.</summary>
    public const ulong NowhereKernelAddress = 0xfffff80566600000;

    public static void Write(KernelScenario s)
    {
        WriteSelfMap(s);
        WriteSharedData(s);
        WriteVersionBlock(s);
        WriteCsdVersion(s);
    }

    /// <summary>nt!CmNtCSDVersion (service pack << 8: 1 on 7601, else 0) and the KDBG's pointer to it (+0x268).</summary>
    public static void WriteCsdVersion(KernelScenario s)
    {
        ulong csd = KernelScenario.KernelBase + s.Layout.Rva("CmNtCSDVersion");
        s.Tables.EnsureMapped(csd, 1);
        s.Tables.WriteVirtual(csd, BitConverter.GetBytes(s.Build == 7601 ? 0x100u : 0u));
        s.Tables.WriteVirtualUInt64(s.KdDebuggerDataBlock + 0x268, csd);
    }

    /// <summary>PML4[0x1ED] points at the PML4 itself, as Windows maps its page tables.</summary>
    public static void WriteSelfMap(KernelScenario s) =>
        s.Memory.WriteUInt64(s.Tables.Cr3 + SelfMapIndex * 8, s.Tables.Cr3 | PageTableBuilder.Present | PageTableBuilder.Writable);

    /// <summary>KUSER_SHARED_DATA: system time (the dump header's), NT version and build, product type, system root.</summary>
    public static void WriteSharedData(KernelScenario s)
    {
        const string type = "_KUSER_SHARED_DATA";
        var l = s.Layout;
        int size = (int)l.SizeOf(type);
        // Other writers put their own fields here (the tick count): keep them.
        s.Tables.EnsureMapped(KUserSharedData, (size + 0xfff) / 0x1000);
        var data = VirtualBytes.Read(s.Tables, s.Memory, KUserSharedData, size);
        var d = data.AsSpan();
        var (major, minor) = NtVersion(s.Build);
        ulong time = new KernelDumpBuilder().SystemTime; // the header's, so both sources agree
        int systemTime = (int)l.OffsetOf(type, "SystemTime");
        BinaryPrimitives.WriteUInt32LittleEndian(d[(systemTime + (int)l.OffsetOf("_KSYSTEM_TIME", "LowPart"))..], (uint)time);
        BinaryPrimitives.WriteUInt32LittleEndian(d[(systemTime + (int)l.OffsetOf("_KSYSTEM_TIME", "High1Time"))..], (uint)(time >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(d[(systemTime + (int)l.OffsetOf("_KSYSTEM_TIME", "High2Time"))..], (uint)(time >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(d[(int)l.OffsetOf(type, "NtMajorVersion")..], major);
        BinaryPrimitives.WriteUInt32LittleEndian(d[(int)l.OffsetOf(type, "NtMinorVersion")..], minor);
        if (l.HasField(type, "NtBuildNumber")) BinaryPrimitives.WriteUInt32LittleEndian(d[(int)l.OffsetOf(type, "NtBuildNumber")..], (uint)s.Build);
        BinaryPrimitives.WriteUInt32LittleEndian(d[(int)l.OffsetOf(type, "NtProductType")..], 1); // NtProductWinNt
        d[(int)l.OffsetOf(type, "ProductTypeIsValid")] = 1;
        Encoding.Unicode.GetBytes(@"C:\Windows").CopyTo(d[(int)l.OffsetOf(type, "NtSystemRoot")..]);
        if (l.HasField(type, "ActiveProcessorCount")) BinaryPrimitives.WriteUInt32LittleEndian(d[(int)l.OffsetOf(type, "ActiveProcessorCount")..], 1);
        s.Tables.WriteVirtual(KUserSharedData, data);
    }

    /// <summary>nt!KdVersionBlock (_DBGKD_GET_VERSION64) and nt!KeNumberProcessors = the scenario's processor count.</summary>
    public static void WriteVersionBlock(KernelScenario s)
    {
        const string type = "_DBGKD_GET_VERSION64";
        var l = s.Layout;
        var v = new byte[l.SizeOf(type)];
        var d = v.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(d[(int)l.OffsetOf(type, "MajorVersion")..], 0xf);
        BinaryPrimitives.WriteUInt16LittleEndian(d[(int)l.OffsetOf(type, "MinorVersion")..], (ushort)s.Build);
        d[(int)l.OffsetOf(type, "ProtocolVersion")] = 6;
        BinaryPrimitives.WriteUInt16LittleEndian(d[(int)l.OffsetOf(type, "MachineType")..], 0x8664);
        BinaryPrimitives.WriteUInt64LittleEndian(d[(int)l.OffsetOf(type, "KernBase")..], KernelScenario.KernelBase);
        BinaryPrimitives.WriteUInt64LittleEndian(d[(int)l.OffsetOf(type, "PsLoadedModuleList")..], s.PsLoadedModuleList);
        ulong version = KernelScenario.KernelBase + l.Rva("KdVersionBlock");
        s.Tables.EnsureMapped(version, 1);
        s.Tables.WriteVirtual(version, v);
        ulong processors = KernelScenario.KernelBase + l.Rva("KeNumberProcessors");
        s.Tables.EnsureMapped(processors, 1);
        s.Tables.WriteVirtual(processors, BitConverter.GetBytes(s.ProcessorCount));
    }

    /// <summary>
    /// Encodes the KDBG block already written at nt!KdDebuggerDataBlock in place, sets
    /// nt!KdpDataBlockEncoded and stores the two keys at nt!KiWaitNever and nt!KiWaitAlways.
    /// </summary>
    public static (ulong WaitNever, ulong WaitAlways) EncodeKdbg(KernelScenario s)
    {
        var l = s.Layout;
        // Fixed per build, so a dump is reproducible; any value works, the low byte of KiWaitNever is the rotation.
        ulong waitNever = 0x9e3779b97f4a7c15UL ^ (ulong)s.Build * 0x100000001b3UL;
        ulong waitAlways = 0xc2b2ae3d27d4eb4fUL ^ (ulong)s.Build << 17;
        ulong flag = KernelScenario.KernelBase + l.Rva("KdpDataBlockEncoded");
        var block = VirtualBytes.Read(s.Tables, s.Memory, s.KdDebuggerDataBlock, KernelStructWriter.KdbgSize);
        KdbgEncoding.Encode(block, waitNever, waitAlways, flag);
        s.Tables.WriteVirtual(s.KdDebuggerDataBlock, block);
        foreach (var (symbol, bytes) in new[]
        {
            ("KdpDataBlockEncoded", new byte[] { 1 }),
            ("KiWaitNever", BitConverter.GetBytes(waitNever)),
            ("KiWaitAlways", BitConverter.GetBytes(waitAlways)),
        })
        {
            ulong va = KernelScenario.KernelBase + l.Rva(symbol);
            s.Tables.EnsureMapped(va, 1);
            s.Tables.WriteVirtual(va, bytes);
        }
        return (waitNever, waitAlways);
    }

    /// <summary>Spoils the header's KdDebuggerDataBlock, PsLoadedModuleList and PsActiveProcessHead.</summary>
    public static void Damage(KernelDumpBuilder builder, HeaderDamage damage)
    {
        if (damage == HeaderDamage.None) return;
        ulong value = damage == HeaderDamage.Zeroed ? 0 : NowhereKernelAddress;
        builder.KdDebuggerDataBlock = value;
        builder.PsLoadedModuleList = value == 0 ? 0 : value + 0x1000;
        builder.PsActiveProcessHead = value == 0 ? 0 : value + 0x2000;
    }

    /// <summary>NtMajorVersion/NtMinorVersion of a build: 6.1 (7601), 6.3 (9600), 10.0 from 10240 on.</summary>
    public static (uint Major, uint Minor) NtVersion(int build) => build switch
    {
        < 9200 => (6, 1),
        < 9600 => (6, 2),
        < 10240 => (6, 3),
        _ => (10, 0),
    };
}
