using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Isf;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Kernel;

/// <summary>
/// `!vm 1` on the real Windows 10 triage dump, which saved part of nt!MiSystemPartition in its
/// data blocks. Each counter ntdbg prints as a number is checked against the file's raw bytes:
/// rizin gives PsLoadedModuleList (so the kernel base, with the ISF RVA) and the data block table's
/// offset and count; the raw ISF JSON gives the symbol RVA and the field offsets; the
/// TRIAGE_DATA_BLOCK entries ({Address, Offset, Size}) locate the bytes. A counter whose address no
/// block covers must print as unavailable.
/// </summary>
public sealed class VmTriageDumpTests
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";
    private const string Table19041 = "5278AFF86C341677D7D7835C85B7B844-1.json.xz";

    private static ulong Rizin(string section, string name)
    {
        string text = File.ReadAllText(TestData.Shared("kernel/rizin_dmp_expected_x64.txt"));
        int at = text.IndexOf("NAME=: Triage Dump Debug x64", StringComparison.Ordinal);
        int from = text.IndexOf(section, at, StringComparison.Ordinal);
        var m = Regex.Match(text[from..], $@"^  {name} : 0x([0-9a-f]+)", RegexOptions.Multiline);
        Assert.True(m.Success, name);
        return ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static ulong FieldOffset(string type, string path)
    {
        var types = IsfRawJson.Root(Table19041).GetProperty("user_types");
        ulong offset = 0;
        foreach (string part in path.Split('.'))
        {
            var field = types.GetProperty(type).GetProperty("fields").GetProperty(part);
            offset += field.GetProperty("offset").GetUInt64();
            type = field.GetProperty("type").TryGetProperty("name", out var n) ? n.GetString()! : "";
        }
        return offset;
    }

    [SharedDataFact(DumpPath)]
    public void PartitionCountersTheDumpSavedAreItsBytes()
    {
        byte[] file = File.ReadAllBytes(TestData.Shared(DumpPath));
        var symbols = IsfRawJson.Root(Table19041).GetProperty("symbols");
        ulong Rva(string s) => symbols.GetProperty(s).GetProperty("address").GetUInt64();
        ulong kernelBase = Rizin("DUMP_HEADER64:", "PsLoadedModuleList") - Rva("PsLoadedModuleList");
        ulong table = Rizin("TRIAGE_DUMP64:", "DataBlocksOffset"), count = Rizin("TRIAGE_DUMP64:", "DataBlocksCount");
        var blocks = Enumerable.Range(0, (int)count).Select(i => (
            Address: BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan((int)table + 16 * i)),
            Offset: BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)table + 16 * i + 8)),
            Size: BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)table + 16 * i + 12)))).ToList();
        ulong? Saved(ulong va) => blocks.Where(b => b.Address <= va && va + 8 <= b.Address + b.Size)
            .Select(b => (ulong?)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan((int)(b.Offset + (va - b.Address))))).FirstOrDefault();

        using var target = KernelDumpTarget.Open(TestData.Shared(DumpPath));
        var session = new DebugSession(target, $"{TestData.Shared("kernel/isf")};{TestData.Shared("kernel/symstore")}");
        var lines = Run.Text(target, "!vm 1", session).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int numbers = 0;
        foreach (var (label, path) in new[]
        {
            ("Physical Memory", "Vp.NumberOfPhysicalPages"), ("Available Pages", "Vp.AvailablePages"), ("ResAvail Pages", "Vp.ResidentAvailablePages"),
            ("Modified Pages", "Vp.ModifiedPageListHead.Total"), ("Modified PF Pages", "Vp.TotalPagesForPagingFile"), ("Shared Commit", "Vp.SharedCommit"),
            ("Committed pages", "Vp.TotalCommittedPages"), ("Commit limit", "Vp.TotalCommitLimit"),
        })
        {
            string line = Assert.Single(lines, l => l.StartsWith($"\t{label}:", StringComparison.Ordinal));
            if (Saved(kernelBase + Rva("MiSystemPartition") + FieldOffset("_MI_PARTITION", path)) is ulong pages)
            {
                Assert.Matches($@"^\t{Regex.Escape(label)}: *{pages} \( *{pages * 4} Kb\)$", line);
                numbers++;
            }
            else Assert.Matches($@"^\t{Regex.Escape(label)}: +unavailable: .*is not in the dump", line);
        }
        Assert.True(numbers >= 3, $"only {numbers} counters were in the dump's data blocks");
    }
}
