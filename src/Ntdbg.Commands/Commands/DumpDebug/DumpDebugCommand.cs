using Ntdbg.Commands.Engine;
using Ntdbg.Formats.KernelDump;
using Ntdbg.Targets.Kernel;
using Ntdbg.Targets.User;

namespace Ntdbg.Commands.Commands.DumpDebug;

/// <summary>.dumpdebug: the dump file's headers (DUMP_HEADER, triage/bitmap headers, or the minidump header and stream directory).</summary>
[Command(".dumpdebug", Summary = "Show the dump file's headers and stream directory", Usage = ".dumpdebug", Scope = CommandScope.User | CommandScope.Kernel)]
public sealed class DumpDebugCommand : ICommand
{
    public object? Execute(CommandContext context) => context.Session.Target switch
    {
        KernelDumpTarget k => Kernel(k),
        UserDumpTarget u => User(u),
        _ => throw new CommandException(".dumpdebug: the target is not a dump file"),
    };

    private static DumpDebugReport Kernel(KernelDumpTarget k)
    {
        var h = k.Header;
        int pw = h.Is64 ? 16 : 8;
        var fields = new List<DumpField>
        {
            new("MajorVersion", h.MajorVersion, 8),
            new("MinorVersion", h.MinorVersion, 8),
            new("KdSecondaryVersion", h.KdSecondaryVersion, 8),
            new("DirectoryTableBase", h.DirectoryTableBase, pw),
            new("PfnDataBase", h.PfnDataBase, pw),
            new("PsLoadedModuleList", h.PsLoadedModuleList, pw),
            new("PsActiveProcessHead", h.PsActiveProcessHead, pw),
            new("MachineImageType", h.MachineImageType, 8),
            new("NumberProcessors", h.NumberProcessors, 8),
            new("BugCheckCode", h.BugCheckCode, 8),
        };
        for (int i = 0; i < h.BugCheckParameters.Count; i++) fields.Add(new($"BugCheckParameter{i + 1}", h.BugCheckParameters[i], pw));
        fields.AddRange(
        [
            new("PaeEnabled", h.PaeEnabled ? 1UL : 0, 8),
            new("KdDebuggerDataBlock", h.KdDebuggerDataBlock, pw),
            new("NumberOfRuns", h.NumberOfRuns, 8),
            new("NumberOfPages", h.NumberOfPages, pw),
            new("DumpType", h.DumpTypeValue, 8),
            new("RequiredDumpSpace", h.RequiredDumpSpace, pw),
            new("SystemTime", h.SystemTime, 16),
            new("SystemUpTime", h.SystemUpTime, 16),
            new("MiniDumpFields", h.MiniDumpFields, 8),
            new("SecondaryDataState", h.SecondaryDataState, 8),
            new("ProductType", h.ProductType, 8),
            new("SuiteMask", h.SuiteMask, 8),
            new("WriterStatus", h.WriterStatus, 8),
            new("Attributes", h.Attributes, 8),
            new("BootId", h.BootId, 8),
        ]);
        var sections = new List<DumpSection> { new(h.Is64 ? "DUMP_HEADER64" : "DUMP_HEADER32", fields) };
        if (k.Dump.Triage?.Header is TriageDumpHeader t)
        {
            sections.Add(new(h.Is64 ? "TRIAGE_DUMP64" : "TRIAGE_DUMP32",
            [
                new("ServicePackBuild", t.ServicePackBuild, 8), new("SizeOfDump", t.SizeOfDump, 8), new("ValidOffset", t.ValidOffset, 8),
                new("ContextOffset", t.ContextOffset, 8), new("ExceptionOffset", t.ExceptionOffset, 8), new("MmOffset", t.MmOffset, 8),
                new("UnloadedDriversOffset", t.UnloadedDriversOffset, 8), new("PrcbOffset", t.PrcbOffset, 8), new("ProcessOffset", t.ProcessOffset, 8),
                new("ThreadOffset", t.ThreadOffset, 8), new("CallStackOffset", t.CallStackOffset, 8), new("SizeOfCallStack", t.SizeOfCallStack, 8),
                new("DriverListOffset", t.DriverListOffset, 8), new("DriverCount", t.DriverCount, 8), new("StringPoolOffset", t.StringPoolOffset, 8),
                new("StringPoolSize", t.StringPoolSize, 8), new("BrokenDriverOffset", t.BrokenDriverOffset, 8), new("TriageOptions", t.TriageOptions, 8),
                new("TopOfStack", t.TopOfStack, pw), new("BStoreOffset", t.BStoreOffset, 8), new("SizeOfBStore", t.SizeOfBStore, 8),
                new("LimitOfBStore", t.LimitOfBStore, pw), new("DataPageAddress", t.DataPageAddress, pw), new("DataPageOffset", t.DataPageOffset, 8),
                new("DataPageSize", t.DataPageSize, 8), new("DebuggerDataOffset", t.DebuggerDataOffset, 8), new("DebuggerDataSize", t.DebuggerDataSize, 8),
                new("DataBlocksOffset", t.DataBlocksOffset, 8), new("DataBlocksCount", t.DataBlocksCount, 8),
            ]));
        }
        if (k.Dump.Bitmap is BitmapDumpHeader b)
        {
            sections.Add(new($"BITMAP_DUMP ({b.SignatureText})",
            [
                new("FirstPage", b.FirstPageOffset, 16), new("TotalPresentPages", b.TotalPresentPages, 16), new("Pages", b.BitmapBits, 16),
            ]));
        }
        return new DumpDebugReport($"----- {k.FormatDescription}", sections, [], k.Warnings);
    }

    private static DumpDebugReport User(UserDumpTarget u)
    {
        var h = u.Header;
        var header = new DumpSection("MINIDUMP_HEADER",
        [
            new("Version", h.Version, 8), new("NumberOfStreams", h.NumberOfStreams, 8), new("StreamDirectoryRva", h.StreamDirectoryRva, 8),
            new("TimeDateStamp", h.TimeDateStamp, 8), new("Flags", h.Flags, 16),
        ]);
        var streams = u.Streams.Select(s => $"Stream {s.Index}: type {s.TypeName} ({s.Type}), size {s.Size:X8}, RVA {s.Rva:X8} ({s.Status})").ToList();
        return new DumpDebugReport($"----- {u.FormatDescription}", [header], streams, u.Warnings);
    }
}
