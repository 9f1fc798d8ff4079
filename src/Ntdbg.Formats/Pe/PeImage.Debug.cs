using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;

namespace Ntdbg.Formats.Pe;

public sealed partial class PeImage
{
    /// <summary>Debug directories are a handful of entries; thousands means a hostile size.</summary>
    private const int MaxDebugEntries = 4096;
    private const int MaxCodeViewBytes = 0x10000;

    /// <summary>The debug directory entries, CodeView records decoded.</summary>
    public IReadOnlyList<PeDebugDirectoryEntry> ReadDebugDirectory()
    {
        var dir = Directory(PeDataDirectory.Debug);
        var result = new List<PeDebugDirectoryEntry>();
        if (dir.VirtualAddress == 0 || dir.Size == 0) return result;
        int count = Limits.CheckCount(dir.Size / PeDebugDirectoryEntry.Size, MaxDebugEntries, "debug directory entry", Name, dir.VirtualAddress);
        var table = ReadRva(dir.VirtualAddress, count * PeDebugDirectoryEntry.Size, "debug directory").ToArray();
        for (int i = 0; i < count; i++)
        {
            var e = table.AsSpan(i * PeDebugDirectoryEntry.Size, PeDebugDirectoryEntry.Size);
            uint type = Le.U32(e, 12), size = Le.U32(e, 16), address = Le.U32(e, 20), pointer = Le.U32(e, 24);
            PeCodeView? cv = null;
            string? problem = null;
            if (type == PeDebugDirectoryEntry.TypeCodeView)
            {
                try { cv = ReadCodeView(size, address, pointer); }
                catch (DumpFormatException ex) { problem = ex.Problem; }
                catch (MemoryFaultException ex) { problem = ex.Fault.ToString(); }
            }
            result.Add(new PeDebugDirectoryEntry(Le.U32(e, 0), Le.U32(e, 4), Le.U16(e, 8), Le.U16(e, 10), type, size, address, pointer, cv, problem));
        }
        return result;
    }

    /// <summary>The first CodeView record (the one a debugger matches the PDB with), or null.</summary>
    public PeCodeView? ReadCodeView()
    {
        foreach (var e in ReadDebugDirectory())
            if (e.CodeView != null) return e.CodeView;
        return null;
    }

    private PeCodeView? ReadCodeView(uint size, uint address, uint pointer)
    {
        if (size < 16) throw Format(pointer, $"CodeView record of 0x{size:x} bytes is too short");
        int length = (int)Math.Min(size, MaxCodeViewBytes);
        ReadOnlySpan<byte> data;
        if (Layout == PeLayout.File && pointer != 0)
            data = _file!.Span(pointer, length, "CodeView record");
        else if (address != 0)
            data = ReadRva(address, length, "CodeView record");
        else
            return null; // not mapped and no file copy: nothing to read

        uint signature = Le.U32(data, 0);
        if (signature == 0x53445352) // 'RSDS'
        {
            if (data.Length < 24) throw Format(pointer, "RSDS record is too short");
            return new PeCodeView("RSDS", new Guid(data.Slice(4, 16)), Le.U32(data, 20), Le.Ascii(data[24..]));
        }
        if (signature == 0x3031424e) // 'NB10'
        {
            return new PeCodeView("NB10", Guid.Empty, Le.U32(data, 12), Le.Ascii(data[16..]), Le.U32(data, 8));
        }
        return new PeCodeView(System.Text.Encoding.ASCII.GetString(data[..4]), Guid.Empty, 0, "");
    }
}
