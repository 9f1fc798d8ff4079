using Ntdbg.Commands.Commands.Dh;
using Ntdbg.Formats.Pe;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// `!dh` laid out as WinDbg prints it: numbers in upper-case hex right-aligned in 8 columns,
/// image base and stack/heap sizes as pointers of the debugger's width, flag names indented
/// under their value, and the debug directory table after the section that holds it.
/// </summary>
public sealed class DhTextRenderer : TextRenderer<DhReport>
{
    protected override void Render(DhReport r, TextWriter o)
    {
        if (r.ShowHeaders) RenderHeaders(r, o);
        if (r.ShowSections) RenderSections(r, o);
    }

    private static string X8(ulong v) => $"{v,8:X}";
    private static string Version(ushort major, ushort minor) => $"{$"{major}.{minor:d2}",8}";
    private static string Pointer(ulong v, int size) => size == 8 ? $"{v:x16}" : $"{v & 0xffffffff:x8}";
    private static string Size(ulong v, int size) => size == 8 ? $"{v:X16}" : $"{v & 0xffffffff:X8}";

    private static void RenderHeaders(DhReport r, TextWriter o)
    {
        var f = r.FileHeader;
        o.WriteLine();
        o.WriteLine($"File Type: {r.FileType}");
        o.WriteLine("FILE HEADER VALUES");
        o.WriteLine($"{X8(f.Machine)} machine ({r.MachineName})");
        o.WriteLine($"{X8(f.NumberOfSections)} number of sections");
        o.WriteLine($"{X8(f.TimeDateStamp)} time date stamp {WinDbgTime.CTime(r.TimeStamp)}");
        o.WriteLine();
        o.WriteLine($"{X8(f.PointerToSymbolTable)} file pointer to symbol table");
        o.WriteLine($"{X8(f.NumberOfSymbols)} number of symbols");
        o.WriteLine($"{X8(f.SizeOfOptionalHeader)} size of optional header");
        o.WriteLine($"{X8(f.Characteristics)} characteristics");
        foreach (var c in r.Characteristics) o.WriteLine($"            {c}");

        var h = r.OptionalHeader;
        int ps = r.DisplayPointerSize;
        o.WriteLine();
        o.WriteLine("OPTIONAL HEADER VALUES");
        o.WriteLine($"{X8(h.Magic)} magic #");
        o.WriteLine($"{$"{h.MajorLinkerVersion}.{h.MinorLinkerVersion:d2}",8} linker version");
        o.WriteLine($"{X8(h.SizeOfCode)} size of code");
        o.WriteLine($"{X8(h.SizeOfInitializedData)} size of initialized data");
        o.WriteLine($"{X8(h.SizeOfUninitializedData)} size of uninitialized data");
        o.WriteLine($"{X8(h.AddressOfEntryPoint)} address of entry point");
        o.WriteLine($"{X8(h.BaseOfCode)} base of code");
        o.WriteLine("         ----- new -----");
        o.WriteLine($"{Pointer(h.ImageBase, ps)} image base");
        o.WriteLine($"{X8(h.SectionAlignment)} section alignment");
        o.WriteLine($"{X8(h.FileAlignment)} file alignment");
        o.WriteLine($"{X8(h.Subsystem)} subsystem ({r.SubsystemName})");
        o.WriteLine($"{Version(h.MajorOperatingSystemVersion, h.MinorOperatingSystemVersion)} operating system version");
        o.WriteLine($"{Version(h.MajorImageVersion, h.MinorImageVersion)} image version");
        o.WriteLine($"{Version(h.MajorSubsystemVersion, h.MinorSubsystemVersion)} subsystem version");
        o.WriteLine($"{X8(h.SizeOfImage)} size of image");
        o.WriteLine($"{X8(h.SizeOfHeaders)} size of headers");
        o.WriteLine($"{X8(h.CheckSum)} checksum");
        o.WriteLine($"{Size(h.SizeOfStackReserve, ps)} size of stack reserve");
        o.WriteLine($"{Size(h.SizeOfStackCommit, ps)} size of stack commit");
        o.WriteLine($"{Size(h.SizeOfHeapReserve, ps)} size of heap reserve");
        o.WriteLine($"{Size(h.SizeOfHeapCommit, ps)} size of heap commit");
        o.WriteLine($"{X8(h.DllCharacteristics)}  DLL characteristics");
        foreach (var c in r.DllCharacteristics) o.WriteLine($"            {c}");
        foreach (var d in r.Directories)
            o.WriteLine($"{X8(d.VirtualAddress)} [{X8(d.Size)}] address [size] of {d.Name} Directory");
        o.WriteLine();
    }

    private static void RenderSections(DhReport r, TextWriter o)
    {
        foreach (var section in r.Sections)
        {
            var s = section.Header;
            o.WriteLine();
            o.WriteLine($"SECTION HEADER #{s.Index:X}");
            o.WriteLine($"{s.Name,8} name");
            o.WriteLine($"{X8(s.VirtualSize)} virtual size");
            o.WriteLine($"{X8(s.VirtualAddress)} virtual address");
            o.WriteLine($"{X8(s.SizeOfRawData)} size of raw data");
            o.WriteLine($"{X8(s.PointerToRawData)} file pointer to raw data");
            o.WriteLine($"{X8(s.PointerToRelocations)} file pointer to relocation table");
            o.WriteLine($"{X8(s.PointerToLinenumbers)} file pointer to line numbers");
            o.WriteLine($"{X8(s.NumberOfRelocations)} number of relocations");
            o.WriteLine($"{X8(s.NumberOfLinenumbers)} number of line numbers");
            o.WriteLine($"{X8(s.Characteristics)} flags");
            foreach (var flag in section.Flags) o.WriteLine($"         {flag}");
            if (r.DebugDirectories is { } d && d.AfterSection == s.Index) RenderDebug(d, o);
        }
        if (r.DebugDirectories is { AfterSection: 0 } orphan) RenderDebug(orphan, o);
    }

    private static void RenderDebug(DhDebugDirectories d, TextWriter o)
    {
        o.WriteLine();
        o.WriteLine();
        o.WriteLine($"Debug Directories({d.Count})");
        o.WriteLine("\tType       Size     Address  Pointer");
        if (d.Problem != null)
        {
            o.WriteLine(d.Problem);
            return;
        }
        foreach (var e in d.Entries)
        {
            string type = DhNames.DebugType(e.Type) is { } name ? $"{name,-7}" : $"({e.Type,6})";
            string line = $"\t{type}{e.SizeOfData,8:x}    {e.AddressOfRawData,8:x} {e.PointerToRawData,8:x}";
            if (e.CodeView is { } cv)
            {
                line += cv.Format switch
                {
                    "RSDS" => $"\tFormat: RSDS, guid, {cv.Age:x}, {cv.PdbPath}",
                    "NB10" => $"\tFormat: NB10, {cv.Nb10Signature:x}, {cv.Age:x}, {cv.PdbPath}",
                    _ => $"\tFormat: {cv.Format}",
                };
            }
            else if (e.CodeViewProblem != null)
            {
                line += $"\tCan't read debug data: {e.CodeViewProblem}";
            }
            o.WriteLine(line);
        }
    }
}
