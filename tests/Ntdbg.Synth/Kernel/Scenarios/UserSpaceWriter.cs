using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Gives each process its own address space: a PML4 of its own whose kernel half (entries
/// 256–511) points at the system's tables, so kernel addresses resolve in every process, and a
/// user half with a PEB, its _RTL_USER_PROCESS_PARAMETERS, the exe's image headers and a private
/// page at <see cref="MarkerVa"/> — the same address in every process, different text in each, so
/// a reader that used the wrong process's tables shows the wrong text.
/// </summary>
public static class UserSpaceWriter
{
    /// <summary>The private page's address, the same in every process.</summary>
    public const ulong MarkerVa = 0x0000_0123_4560_0000;
    /// <summary>Where the UTF-16 copy of the marker starts on that page (the ASCII copy is at its start).</summary>
    public const ulong MarkerUnicodeOffset = 0x100;
    /// <summary>The process parameters' page (the same address in every process, as heaps often are).</summary>
    public const ulong ParametersVa = 0x0000_0000_0002_0000;
    /// <summary>The loader data page: _PEB_LDR_DATA, then one _LDR_DATA_TABLE_ENTRY per module.</summary>
    public const ulong LoaderDataVa = 0x0000_0000_0003_0000;
    /// <summary>ntdll's base, the same in every process (as Windows maps it once per boot).</summary>
    public const ulong NtdllBase = 0x0000_7ffc_a000_0000;
    /// <summary>PML4 slot of the page-table self-map (FFFFF680`00000000, the pre-14393 fixed base, used for every build here).</summary>
    public const int SelfMapIndex = KernelGlobalsWriter.SelfMapIndex;

    /// <summary>A process with its own PML4 and the addresses its user half will hold (written by <see cref="Write"/>).</summary>
    public static SyntheticProcess Create(KernelScenario s, int index, ulong pid, ulong parentPid, string name, uint? sessionId)
    {
        var tables = new PageTableBuilder(s.Memory);
        return new SyntheticProcess(pid, parentPid, name, tables.Cr3)
        {
            SessionId = sessionId,
            UserTables = tables,
            Peb = 0x0000_00a0_0000_0000UL + ((ulong)index << 28) + 0x1000,
            ImageBase = 0x0000_7ff7_0000_0000UL + ((ulong)index << 24),
            ImagePath = (name == "explorer.exe" ? @"C:\Windows\" : @"C:\Windows\System32\") + name,
            CommandLine = (name == "explorer.exe" ? @"C:\Windows\" : @"C:\Windows\system32\") + name + (name == "svchost.exe" ? " -k DcomLaunch -p" : ""),
            CreateTime = 0x01d707f2_3d000000UL + (ulong)index * 10_000_000,
        };
    }

    /// <summary>Writes every process's user half (PEB, parameters, image headers, private page).</summary>
    public static void Write(KernelScenario s)
    {
        foreach (var p in s.Processes)
        {
            if (p.UserTables is not { } pt) continue;
            WritePeb(s.Layout, pt, p);
            WriteImageHeaders(pt, p.ImageBase);
            WriteImageHeaders(pt, NtdllBase);
            WriteLoaderList(s.Layout, pt, p);
            pt.AllocateAndMap(MarkerVa, 1);
            pt.WriteVirtual(MarkerVa, Encoding.ASCII.GetBytes(p.Marker + "\0"));
            pt.WriteVirtual(MarkerVa + MarkerUnicodeOffset, Encoding.Unicode.GetBytes(p.Marker + "\0"));
        }
    }

    /// <summary>
    /// The self-map (a PML4 entry pointing at its own PML4) in the system's and every process's
    /// tables, nt!MmPteBase where the build has it, then each process's kernel half: the
    /// system's entries 256–511 except the self-map slot. Run after all kernel memory is mapped.
    /// </summary>
    public static void ShareKernelHalves(KernelScenario s)
    {
        if (s.Layout.HasSymbol("MmPteBase"))
        {
            ulong at = KernelScenario.KernelBase + s.Layout.Rva("MmPteBase");
            s.Tables.EnsureMapped(at, 1);
            s.Tables.WriteVirtualUInt64(at, 0xFFFF_0000_0000_0000UL | ((ulong)SelfMapIndex << 39));
        }
        ulong systemPml4 = s.Tables.Pml4Pfn << 12;
        KernelGlobalsWriter.WriteSelfMap(s);
        foreach (var p in s.Processes)
        {
            if (p.UserTables is not { } pt) continue;
            ulong pml4 = pt.Pml4Pfn << 12;
            for (int i = 256; i < 512; i++)
            {
                if (i == SelfMapIndex) continue;
                s.Memory.WriteUInt64(pml4 + (ulong)i * 8, s.Memory.ReadUInt64(systemPml4 + (ulong)i * 8));
            }
            s.Memory.WriteUInt64(pml4 + SelfMapIndex * 8, pml4 | PageTableBuilder.Present | PageTableBuilder.Writable);
        }
    }

    private static void WritePeb(IsfLayout layout, PageTableBuilder pt, SyntheticProcess p)
    {
        pt.AllocateAndMap(p.Peb & ~0xfffUL, 1);
        pt.WriteVirtualUInt64(p.Peb + layout.OffsetOf("_PEB", "ImageBaseAddress"), p.ImageBase);
        pt.WriteVirtualUInt64(p.Peb + layout.OffsetOf("_PEB", "ProcessParameters"), ParametersVa);
        pt.AllocateAndMap(ParametersVa, 1);
        ulong strings = ParametersVa + layout.SizeOf("_RTL_USER_PROCESS_PARAMETERS");
        strings = WriteUnicodeString(pt, ParametersVa + layout.OffsetOf("_RTL_USER_PROCESS_PARAMETERS", "ImagePathName"), strings, p.ImagePath);
        WriteUnicodeString(pt, ParametersVa + layout.OffsetOf("_RTL_USER_PROCESS_PARAMETERS", "CommandLine"), strings, p.CommandLine);
    }

    /// <summary>The modules a process's PEB.Ldr lists, in load order: the exe, then ntdll.</summary>
    public static IReadOnlyList<(ulong Base, string Name, string Path)> Modules(SyntheticProcess p) =>
        [(p.ImageBase, p.ImageName, p.ImagePath), (NtdllBase, "ntdll.dll", @"C:\Windows\SYSTEM32\ntdll.dll")];

    private static void WriteLoaderList(IsfLayout layout, PageTableBuilder pt, SyntheticProcess p)
    {
        pt.AllocateAndMap(LoaderDataVa, 2);
        pt.WriteVirtualUInt64(p.Peb + layout.OffsetOf("_PEB", "Ldr"), LoaderDataVa);
        pt.WriteVirtual(LoaderDataVa + layout.OffsetOf("_PEB_LDR_DATA", "Length"), BitConverter.GetBytes((uint)layout.SizeOf("_PEB_LDR_DATA")));
        pt.WriteVirtual(LoaderDataVa + layout.OffsetOf("_PEB_LDR_DATA", "Initialized"), [1]);
        var modules = Modules(p);
        ulong entrySize = (layout.SizeOf("_LDR_DATA_TABLE_ENTRY") + 0xf) & ~0xfUL;
        ulong first = LoaderDataVa + ((layout.SizeOf("_PEB_LDR_DATA") + 0xf) & ~0xfUL);
        ulong strings = first + entrySize * (ulong)modules.Count;
        ulong head = LoaderDataVa + layout.OffsetOf("_PEB_LDR_DATA", "InLoadOrderModuleList");
        ulong links = layout.OffsetOf("_LDR_DATA_TABLE_ENTRY", "InLoadOrderLinks");
        ulong Link(int i) => i < 0 || i >= modules.Count ? head : first + (ulong)i * entrySize + links;
        pt.WriteVirtualUInt64(head, Link(0));
        pt.WriteVirtualUInt64(head + 8, Link(modules.Count - 1));
        for (int i = 0; i < modules.Count; i++)
        {
            ulong e = first + (ulong)i * entrySize;
            pt.WriteVirtualUInt64(e + links, Link(i + 1));
            pt.WriteVirtualUInt64(e + links + 8, Link(i - 1));
            pt.WriteVirtualUInt64(e + layout.OffsetOf("_LDR_DATA_TABLE_ENTRY", "DllBase"), modules[i].Base);
            pt.WriteVirtual(e + layout.OffsetOf("_LDR_DATA_TABLE_ENTRY", "SizeOfImage"), BitConverter.GetBytes(0x1000u));
            strings = WriteUnicodeString(pt, e + layout.OffsetOf("_LDR_DATA_TABLE_ENTRY", "FullDllName"), strings, modules[i].Path);
            strings = WriteUnicodeString(pt, e + layout.OffsetOf("_LDR_DATA_TABLE_ENTRY", "BaseDllName"), strings, modules[i].Name);
        }
    }

    /// <summary>A UNICODE_STRING at <paramref name="field"/> whose characters go to <paramref name="buffer"/>; returns the next free (8-aligned) address.</summary>
    public static ulong WriteUnicodeString(PageTableBuilder pt, ulong field, ulong buffer, string text)
    {
        var bytes = Encoding.Unicode.GetBytes(text);
        var s = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)bytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(2), (ushort)(bytes.Length + 2));
        BinaryPrimitives.WriteUInt64LittleEndian(s.AsSpan(8), buffer);
        pt.WriteVirtual(field, s);
        pt.WriteVirtual(buffer, bytes);
        return buffer + (((ulong)bytes.Length + 2 + 7) & ~7UL);
    }

    /// <summary>One page of PE32+ headers (MZ, PE, file and optional header, no sections): enough for !dh and lm to name the image.</summary>
    private static void WriteImageHeaders(PageTableBuilder pt, ulong imageBase)
    {
        var h = new byte[0x200];
        var s = h.AsSpan();
        h[0] = (byte)'M'; h[1] = (byte)'Z';
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x3c..], 0x80);
        Encoding.ASCII.GetBytes("PE\0\0").CopyTo(h, 0x80);
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x84..], 0x8664); // Machine
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x88..], 0x5f8a7d3e); // TimeDateStamp
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x94..], 0xf0); // SizeOfOptionalHeader
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x96..], 0x22); // EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x98..], 0x20b); // PE32+
        BinaryPrimitives.WriteUInt64LittleEndian(s[0xb0..], imageBase); // ImageBase
        BinaryPrimitives.WriteUInt32LittleEndian(s[0xb8..], 0x1000); // SectionAlignment
        BinaryPrimitives.WriteUInt32LittleEndian(s[0xbc..], 0x200); // FileAlignment
        BinaryPrimitives.WriteUInt16LittleEndian(s[0xc0..], 10); // MajorOperatingSystemVersion
        BinaryPrimitives.WriteUInt16LittleEndian(s[0xc8..], 10); // MajorSubsystemVersion
        BinaryPrimitives.WriteUInt32LittleEndian(s[0xd0..], 0x1000); // SizeOfImage
        BinaryPrimitives.WriteUInt32LittleEndian(s[0xd4..], 0x200); // SizeOfHeaders
        BinaryPrimitives.WriteUInt16LittleEndian(s[0xdc..], 2); // Subsystem: GUI
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x104..], 16); // NumberOfRvaAndSizes
        pt.AllocateAndMap(imageBase, 1);
        pt.WriteVirtual(imageBase, h);
    }
}
