using Ntdbg.Core.Memory;
using Ntdbg.Targets.Image;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pe;

/// <summary>
/// `!dh` on real images, opened as image targets, compared field by field with
/// `llvm-readobj --file-headers --sections` (an independent PE reader).
/// </summary>
public class DhVersusReadobjTests
{
    private static readonly Dictionary<string, string> FileFlagNames = new()
    {
        ["IMAGE_FILE_RELOCS_STRIPPED"] = "Relocations stripped",
        ["IMAGE_FILE_EXECUTABLE_IMAGE"] = "Executable",
        ["IMAGE_FILE_LINE_NUMS_STRIPPED"] = "Line numbers stripped",
        ["IMAGE_FILE_LOCAL_SYMS_STRIPPED"] = "Symbols stripped",
        ["IMAGE_FILE_LARGE_ADDRESS_AWARE"] = "App can handle >2gb addresses",
        ["IMAGE_FILE_32BIT_MACHINE"] = "32 bit word machine",
        ["IMAGE_FILE_DEBUG_STRIPPED"] = "Debug information stripped",
        ["IMAGE_FILE_SYSTEM"] = "System",
        ["IMAGE_FILE_DLL"] = "DLL",
    };

    private static readonly Dictionary<string, string> DllFlagNames = new()
    {
        ["IMAGE_DLL_CHARACTERISTICS_HIGH_ENTROPY_VA"] = "High entropy VA supported",
        ["IMAGE_DLL_CHARACTERISTICS_DYNAMIC_BASE"] = "Dynamic base",
        ["IMAGE_DLL_CHARACTERISTICS_FORCE_INTEGRITY"] = "Force integrity check",
        ["IMAGE_DLL_CHARACTERISTICS_NX_COMPAT"] = "NX compatible",
        ["IMAGE_DLL_CHARACTERISTICS_NO_ISOLATION"] = "No isolation",
        ["IMAGE_DLL_CHARACTERISTICS_NO_SEH"] = "No structured exception handler",
        ["IMAGE_DLL_CHARACTERISTICS_NO_BIND"] = "No bind",
        ["IMAGE_DLL_CHARACTERISTICS_APPCONTAINER"] = "AppContainer",
        ["IMAGE_DLL_CHARACTERISTICS_WDM_DRIVER"] = "WDM driver",
        ["IMAGE_DLL_CHARACTERISTICS_GUARD_CF"] = "Guard",
        ["IMAGE_DLL_CHARACTERISTICS_TERMINAL_SERVER_AWARE"] = "Terminal server aware",
    };

    private static readonly string[] DirectoryKeys =
    [
        "ExportTable", "ImportTable", "ResourceTable", "ExceptionTable", "CertificateTable", "BaseRelocationTable", "Debug",
        "Architecture", "GlobalPtr", "TLSTable", "LoadConfigTable", "BoundImport", "IAT", "DelayImportDescriptor", "CLRRuntimeHeader", "Reserved",
    ];

    public static string RunDh(string path, out ImageTarget target)
    {
        target = ImageTarget.Open(path);
        ulong @base = target.Modules[0].Base;
        return Run.Text(target, $"!dh {Hex.Pointer(@base, target.PointerSize).Replace("`", "")}");
    }

    [PeOracleTheory]
    [MemberData(nameof(RealPeFiles.All), MemberType = typeof(RealPeFiles))]
    public void HeadersAgreeWithReadobj(string relative)
    {
        string path = TestData.Shared(relative);
        var oracle = LlvmReadobj.Run("--file-headers", "--sections", path);
        string text = RunDh(path, out var target);
        using var _ = target;
        var dh = DhOutput.Parse(text);
        var h = dh.Headers;

        var fh = oracle.Child("ImageFileHeader")!;
        Assert.Equal(fh.Number("Machine"), DhOutput.Hex(h["machine"]));
        Assert.Equal(fh.Number("SectionCount"), DhOutput.Hex(h["number of sections"]));
        Assert.Equal(fh.Number("TimeDateStamp"), DhOutput.Hex(h["time date stamp"]));
        Assert.Equal(fh.Number("PointerToSymbolTable"), DhOutput.Hex(h["file pointer to symbol table"]));
        Assert.Equal(fh.Number("SymbolCount"), DhOutput.Hex(h["number of symbols"]));
        Assert.Equal(fh.Number("OptionalHeaderSize"), DhOutput.Hex(h["size of optional header"]));
        var fileFlags = fh.Child("Characteristics")!;
        Assert.Equal(ReadobjNode.ParseNumber(fileFlags.Value), DhOutput.Hex(h["characteristics"]));
        Assert.Equal(fileFlags.Children.Select(c => FileFlagNames[c.Name.Split(' ')[0]]).Order(), dh.FileFlags.Order());

        var oh = oracle.Child("ImageOptionalHeader")!;
        Assert.Equal(oh.Number("Magic"), DhOutput.Hex(h["magic #"]));
        Assert.Equal($"{oh.Number("MajorLinkerVersion")}.{oh.Number("MinorLinkerVersion"):d2}", h["linker version"]);
        Assert.Equal(oh.Number("SizeOfCode"), DhOutput.Hex(h["size of code"]));
        Assert.Equal(oh.Number("SizeOfInitializedData"), DhOutput.Hex(h["size of initialized data"]));
        Assert.Equal(oh.Number("SizeOfUninitializedData"), DhOutput.Hex(h["size of uninitialized data"]));
        Assert.Equal(oh.Number("AddressOfEntryPoint"), DhOutput.Hex(h["address of entry point"]));
        Assert.Equal(oh.Number("BaseOfCode"), DhOutput.Hex(h["base of code"]));
        Assert.Equal(oh.Number("ImageBase"), DhOutput.Hex(h["image base"]));
        Assert.Equal(oh.Number("SectionAlignment"), DhOutput.Hex(h["section alignment"]));
        Assert.Equal(oh.Number("FileAlignment"), DhOutput.Hex(h["file alignment"]));
        Assert.Equal(oh.Number("Subsystem"), DhOutput.Hex(h["subsystem"]));
        Assert.Equal($"{oh.Number("MajorOperatingSystemVersion")}.{oh.Number("MinorOperatingSystemVersion"):d2}", h["operating system version"]);
        Assert.Equal($"{oh.Number("MajorImageVersion")}.{oh.Number("MinorImageVersion"):d2}", h["image version"]);
        Assert.Equal($"{oh.Number("MajorSubsystemVersion")}.{oh.Number("MinorSubsystemVersion"):d2}", h["subsystem version"]);
        Assert.Equal(oh.Number("SizeOfImage"), DhOutput.Hex(h["size of image"]));
        Assert.Equal(oh.Number("SizeOfHeaders"), DhOutput.Hex(h["size of headers"]));
        Assert.Equal(oh.Number("SizeOfStackReserve"), DhOutput.Hex(h["size of stack reserve"]));
        Assert.Equal(oh.Number("SizeOfStackCommit"), DhOutput.Hex(h["size of stack commit"]));
        Assert.Equal(oh.Number("SizeOfHeapReserve"), DhOutput.Hex(h["size of heap reserve"]));
        Assert.Equal(oh.Number("SizeOfHeapCommit"), DhOutput.Hex(h["size of heap commit"]));
        var dllFlags = oh.Child("Characteristics")!;
        Assert.Equal(ReadobjNode.ParseNumber(dllFlags.Value), DhOutput.Hex(h["DLL characteristics"]));
        Assert.Equal(dllFlags.Children.Select(c => DllFlagNames[c.Name.Split(' ')[0]]).Order(), dh.DllFlags.Order());

        // Fields !dh does not print, checked on the parsed image behind it.
        var image = target.Image.OptionalHeader;
        Assert.Equal(oh.Number("NumberOfRvaAndSize"), image.NumberOfRvaAndSizes);
        if (oh.Child("BaseOfData") is { } baseOfData) Assert.Equal(ReadobjNode.ParseNumber(baseOfData.Value), (ulong?)image.BaseOfData);
        else Assert.Null(image.BaseOfData);

        var dirs = oh.Child("DataDirectory")!;
        Assert.Equal(16, dh.Directories.Count);
        for (int i = 0; i < 16; i++)
        {
            ulong rva = dirs.Child(DirectoryKeys[i] + "RVA") is { } r ? ReadobjNode.ParseNumber(r.Value) : 0;
            ulong size = dirs.Child(DirectoryKeys[i] + "Size") is { } s ? ReadobjNode.ParseNumber(s.Value) : 0;
            Assert.Equal((rva, size), (dh.Directories[i].Rva, dh.Directories[i].Size));
        }
        Assert.Equal(
            ["Export", "Import", "Resource", "Exception", "Security", "Base Relocation", "Debug", "Description", "Special", "Thread Storage",
             "Load Configuration", "Bound Import", "Import Address Table", "Delay Import", "COR20 Header", "Reserved"],
            dh.Directories.Select(d => d.Name));

        var sections = oracle.Child("Sections")!.All("Section").ToList();
        Assert.Equal(sections.Count, dh.Sections.Count);
        for (int i = 0; i < sections.Count; i++)
        {
            var o = sections[i];
            var s = dh.Sections[i];
            Assert.Equal(o["Name"].Split(' ')[0], s["name"]);
            Assert.Equal(o.Number("VirtualSize"), DhOutput.Hex(s["virtual size"]));
            Assert.Equal(o.Number("VirtualAddress"), DhOutput.Hex(s["virtual address"]));
            Assert.Equal(o.Number("RawDataSize"), DhOutput.Hex(s["size of raw data"]));
            Assert.Equal(o.Number("PointerToRawData"), DhOutput.Hex(s["file pointer to raw data"]));
            Assert.Equal(o.Number("PointerToRelocations"), DhOutput.Hex(s["file pointer to relocation table"]));
            Assert.Equal(o.Number("PointerToLineNumbers"), DhOutput.Hex(s["file pointer to line numbers"]));
            Assert.Equal(o.Number("RelocationCount"), DhOutput.Hex(s["number of relocations"]));
            Assert.Equal(o.Number("LineNumberCount"), DhOutput.Hex(s["number of line numbers"]));
            var chars = o.Child("Characteristics")!;
            Assert.Equal(ReadobjNode.ParseNumber(chars.Value), DhOutput.Hex(s["flags"]));
            var set = chars.Children.Select(c => c.Name.Split(' ')[0]).ToHashSet();
            var flags = dh.SectionFlags[i];
            Assert.Equal(set.Contains("IMAGE_SCN_CNT_CODE"), flags.Contains("Code"));
            Assert.Equal(set.Contains("IMAGE_SCN_CNT_INITIALIZED_DATA"), flags.Contains("Initialized Data"));
            Assert.Equal(set.Contains("IMAGE_SCN_CNT_UNINITIALIZED_DATA"), flags.Contains("Uninitialized Data"));
            Assert.Equal(set.Contains("IMAGE_SCN_MEM_DISCARDABLE"), flags.Contains("Discardable"));
            Assert.Equal(set.Contains("IMAGE_SCN_MEM_NOT_PAGED"), flags.Contains("Not Paged"));
            Assert.Equal(set.Contains("IMAGE_SCN_MEM_SHARED"), flags.Contains("Shared"));
            string access = (set.Contains("IMAGE_SCN_MEM_EXECUTE"), set.Contains("IMAGE_SCN_MEM_READ"), set.Contains("IMAGE_SCN_MEM_WRITE")) switch
            {
                (true, true, true) => "Execute Read Write",
                (true, true, false) => "Execute Read",
                (false, true, true) => "Read Write",
                (false, true, false) => "Read Only",
                (true, false, false) => "Execute Only",
                (false, false, true) => "Write Only",
                (true, false, true) => "Execute Write",
                _ => "",
            };
            if (access.Length > 0) Assert.Equal(access, flags[^1]);
        }
    }

    [PeOracleTheory]
    [MemberData(nameof(RealPeFiles.All), MemberType = typeof(RealPeFiles))]
    public void DebugDirectoryAgreesWithReadobj(string relative)
    {
        string path = TestData.Shared(relative);
        var oracle = LlvmReadobj.Run("--coff-debug-directory", path).Child("DebugDirectory");
        using var target = ImageTarget.Open(path);
        var ours = target.Image.ReadDebugDirectory();
        var entries = oracle?.All("DebugEntry").ToList() ?? [];
        Assert.Equal(entries.Count, ours.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var o = entries[i];
            var e = ours[i];
            Assert.Equal(o.Number("Characteristics"), e.Characteristics);
            Assert.Equal(o.Number("TimeDateStamp"), e.TimeDateStamp);
            Assert.Equal(o.Number("MajorVersion"), e.MajorVersion);
            Assert.Equal(o.Number("MinorVersion"), e.MinorVersion);
            Assert.Equal(o.Number("Type"), e.Type);
            Assert.Equal(o.Number("SizeOfData"), e.SizeOfData);
            Assert.Equal(o.Number("AddressOfRawData"), e.AddressOfRawData);
            Assert.Equal(o.Number("PointerToRawData"), e.PointerToRawData);
            if (o.Child("PDBInfo") is { } pdb)
            {
                Assert.NotNull(e.CodeView);
                Assert.Equal("RSDS", e.CodeView!.Format);
                var guidBytes = pdb["PDBGUID"].Trim('(', ')').Split(' ').Select(b => Convert.ToByte(b, 16)).ToArray();
                Assert.Equal(guidBytes, e.CodeView.Guid.ToByteArray());
                Assert.Equal(pdb.Number("PDBAge"), e.CodeView.Age);
                Assert.Equal(pdb["PDBFileName"], e.CodeView.PdbPath);
            }
            else
            {
                Assert.Null(e.CodeView);
            }
        }

        // The !dh table lists the same entries, with the CodeView line WinDbg prints.
        var dh = DhOutput.Parse(RunDh(path, out var t2));
        t2.Dispose();
        Assert.Equal(entries.Count, dh.DebugRows.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var cols = dh.DebugRows[i].Split('\t', StringSplitOptions.RemoveEmptyEntries);
            var nums = cols[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^3..];
            Assert.Equal(entries[i].Number("SizeOfData"), DhOutput.Hex(nums[^3]));
            Assert.Equal(entries[i].Number("AddressOfRawData"), DhOutput.Hex(nums[^2]));
            Assert.Equal(entries[i].Number("PointerToRawData"), DhOutput.Hex(nums[^1]));
            if (entries[i].Child("PDBInfo") is { } pdb)
                Assert.Equal($"Format: RSDS, guid, {pdb.Number("PDBAge"):x}, {pdb["PDBFileName"]}", cols[^1]);
        }
    }
}
