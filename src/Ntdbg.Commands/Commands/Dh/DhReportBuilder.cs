using Ntdbg.Core.Errors;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;

namespace Ntdbg.Commands.Commands.Dh;

/// <summary>Builds the `!dh` report from a parsed image.</summary>
public static class DhReportBuilder
{
    public static DhReport Build(PeImage image, ulong address, int displayPointerSize, bool showHeaders = true, bool showSections = true,
        int timeZoneOffsetMinutes = 0)
    {
        var fh = image.FileHeader;
        var oh = image.OptionalHeader;
        string fileType = fh.IsDll ? "DLL" : (fh.Characteristics & PeFileHeader.CharacteristicExecutable) != 0 ? "EXECUTABLE IMAGE" : "UNKNOWN";
        var directories = image.DataDirectories.Select(d => new DhDirectory(DhNames.DirectoryNames[d.Index], d.VirtualAddress, d.Size)).ToList();
        var sections = image.Sections.Select(s => new DhSection(s, DhNames.SectionFlags(s.Characteristics))).ToList();
        var time = DateTimeOffset.FromUnixTimeSeconds(fh.TimeDateStamp).ToOffset(TimeSpan.FromMinutes(timeZoneOffsetMinutes));
        return new DhReport(address, displayPointerSize, showHeaders, showSections, fileType, fh, DhNames.Machine(fh.Machine),
            time, timeZoneOffsetMinutes, DhNames.FileCharacteristics(fh.Characteristics), oh, DhNames.Subsystem(oh.Subsystem),
            DhNames.DllCharacteristics(oh.DllCharacteristics), directories, sections, ReadDebug(image));
    }

    private static DhDebugDirectories? ReadDebug(PeImage image)
    {
        var dir = image.Directory(PeDataDirectory.Debug);
        if (dir.VirtualAddress == 0) return null;
        // WinDbg prints the table after the section whose raw data holds the directory's start.
        int after = 0;
        foreach (var s in image.Sections)
            if (dir.VirtualAddress >= s.VirtualAddress && dir.VirtualAddress - s.VirtualAddress < s.SizeOfRawData) { after = s.Index; break; }
        int count = (int)(dir.Size / PeDebugDirectoryEntry.Size);
        try
        {
            return new DhDebugDirectories(after, count, image.ReadDebugDirectory(), null);
        }
        catch (DumpFormatException e)
        {
            return new DhDebugDirectories(after, count, [], $"Can't read debug dir: {e.Problem}");
        }
        catch (MemoryFaultException e)
        {
            return new DhDebugDirectories(after, count, [], $"Can't read debug dir: {e.Fault}");
        }
    }
}
