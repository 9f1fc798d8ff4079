using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.KernelDump;

/// <summary>
/// A kernel crash dump opened as a file format: the header, and either the physical page map
/// (full, bitmap, RDMP) or the triage contents. Truncation is reported in <see cref="Warnings"/>;
/// malformed structure throws <see cref="DumpFormatException"/>.
/// </summary>
public sealed class KernelDumpFile
{
    private readonly List<string> _warnings = [];

    private KernelDumpFile(MappedFile file, KernelDumpHeader header)
    {
        File = file;
        Header = header;
    }

    public MappedFile File { get; }
    public KernelDumpHeader Header { get; }
    /// <summary>Null for triage and header-only dumps.</summary>
    public IPhysicalPageMap? Pages { get; private set; }
    public BitmapDumpHeader? Bitmap { get; private set; }
    public RdmpDumpHeader? Rdmp { get; private set; }
    public TriageDump? Triage { get; private set; }
    public IReadOnlyList<string> Warnings => _warnings;

    public string Description => (Header.DumpType, Header.Is64) switch
    {
        (KernelDumpType.Full, _) => "Full kernel memory dump",
        (KernelDumpType.Triage, _) => "Kernel triage dump",
        (KernelDumpType.Bitmap, _) => Bitmap?.Signature == BitmapDumpHeader.SignatureFull ? "Full bitmap kernel dump" : "Kernel bitmap dump",
        (KernelDumpType.BitmapLive, _) => "Live kernel bitmap dump",
        (KernelDumpType.RdmpKernel, _) => "Kernel memory dump (RDMP)",
        (KernelDumpType.RdmpKernelAndUser, _) => "Kernel and user memory dump (RDMP)",
        (KernelDumpType.RdmpComplete, _) => "Complete memory dump (RDMP)",
        _ => $"Kernel dump (type {Header.DumpTypeValue})",
    } + (Header.Is64 ? " (64-bit)" : " (32-bit)");

    public static KernelDumpFile Parse(MappedFile file)
    {
        var header = KernelDumpHeader.Parse(file);
        var dump = new KernelDumpFile(file, header);
        dump.Load();
        return dump;
    }

    private void Load()
    {
        var h = Header;
        long hs = h.HeaderSize;
        switch (h.DumpType)
        {
            case KernelDumpType.Full:
                if (h.NumberOfRuns == null)
                    throw new DumpFormatException(File.Path, h.Is64 ? 0x88 : 0x64, "full dump without a physical memory descriptor");
                Pages = new RunPageMap(File.Path, h.Is64 ? 0x88 : 0x64, h.Runs, hs);
                if (h.NumberOfPages is ulong declared && declared != Pages.PresentPageCount)
                    _warnings.Add($"physical memory descriptor says 0x{declared:x} pages but its runs hold 0x{Pages.PresentPageCount:x}");
                break;
            case KernelDumpType.Bitmap:
            case KernelDumpType.BitmapLive:
            case KernelDumpType.Summary when h.Is64:
                {
                    if (!h.Is64) throw new DumpFormatException(File.Path, 0xf88, "32-bit bitmap dumps are not supported");
                    Bitmap = BitmapDumpHeader.Parse(File, hs);
                    var bits = File.Span(Bitmap.BitmapOffset, (int)Math.Min(Bitmap.BitmapBytes, int.MaxValue), "dump bitmap");
                    var map = new BitmapPageMap(bits, Bitmap.BitmapBits, (long)Bitmap.FirstPageOffset);
                    if (map.PresentPageCount != Bitmap.TotalPresentPages)
                        _warnings.Add($"bitmap header says 0x{Bitmap.TotalPresentPages:x} pages are present but the bitmap has 0x{map.PresentPageCount:x} bits set");
                    Pages = map;
                    break;
                }
            case KernelDumpType.RdmpKernel:
            case KernelDumpType.RdmpKernelAndUser:
            case KernelDumpType.RdmpComplete:
                if (!h.Is64) throw new DumpFormatException(File.Path, 0xf88, "32-bit RDMP dumps are not supported");
                Rdmp = RdmpDumpHeader.Parse(File, hs, h.DumpType);
                Pages = new RunPageMap(File.Path, Rdmp.RangesOffset, Rdmp.Ranges, (long)Rdmp.FirstPageOffset);
                break;
            case KernelDumpType.Triage:
                Triage = TriageDump.Parse(File, h.Is64);
                _warnings.AddRange(Triage.Warnings);
                break;
            default:
                _warnings.Add($"dump type {h.DumpTypeValue} holds no memory ntdbg can read");
                break;
        }
        if (Pages != null) CheckTruncation(Pages.EndOfPageData);
        else if (h.RequiredDumpSpace is ulong required && h.DumpType != KernelDumpType.Triage && required > (ulong)File.Length)
            _warnings.Add(TruncationText((long)Math.Min(required, long.MaxValue)));
    }

    private void CheckTruncation(long end)
    {
        long expected = end;
        if (Header.RequiredDumpSpace is ulong required && required > (ulong)expected && required < long.MaxValue) expected = Math.Max(expected, (long)required);
        if (expected > File.Length) _warnings.Add(TruncationText(expected));
    }

    private string TruncationText(long expected) =>
        $"dump file is truncated: it has 0x{File.Length:x} bytes but its memory extends to 0x{expected:x} (0x{expected - File.Length:x} bytes missing); reads past offset 0x{File.Length:x} fail";
}
