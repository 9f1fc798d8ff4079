using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Commands.Processes;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Isf;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Kernel;

/// <summary>
/// `!process` on the real triage dump. Every printed field is checked against the dump file's raw
/// bytes: rizin's TRIAGE_DUMP64 listing gives the file offsets of the EPROCESS and ETHREAD copies,
/// the ISF JSON (decompressed by xz, parsed with JsonDocument) gives the field offsets. Independent
/// facts on top: the bugcheck thread's Cid names the same process, the System process (Cid 4) owns
/// the kernel's page directory (rizin's DirectoryTableBase) and has no session, PEB or parent.
/// </summary>
public sealed class ProcessCommandTests
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";
    private const string Table19041 = "5278AFF86C341677D7D7835C85B7B844-1.json.xz";

    private static DebugSession SessionOf(ITarget target) =>
        new(target, $"{TestData.Shared("kernel/isf")};{TestData.Shared("kernel/symstore")}");

    /// <summary>rizin's x64 triage section: "Name : 0x..." values of its header listings.</summary>
    private static ulong Rizin(string name)
    {
        string text = File.ReadAllText(TestData.Shared("kernel/rizin_dmp_expected_x64.txt"));
        int section = text.IndexOf("NAME=: Triage Dump Debug x64", StringComparison.Ordinal);
        Assert.True(section >= 0);
        var m = Regex.Match(text[section..], $@"^  {name} : 0x([0-9a-f]+)", RegexOptions.Multiline);
        Assert.True(m.Success, name);
        return ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    /// <summary>A field's offset by "A.B" path in the raw ISF JSON, following embedded structures.</summary>
    private static (ulong Offset, JsonElement Type) IsfField(string type, string path)
    {
        var types = IsfRawJson.Root(Table19041).GetProperty("user_types");
        ulong offset = 0;
        JsonElement fieldType = default;
        foreach (string part in path.Split('.'))
        {
            var field = types.GetProperty(type).GetProperty("fields").GetProperty(part);
            offset += field.GetProperty("offset").GetUInt64();
            fieldType = field.GetProperty("type");
            type = fieldType.TryGetProperty("name", out var n) ? n.GetString()! : "";
        }
        return (offset, fieldType);
    }

    private static bool IsfHas(string type, string field) =>
        IsfRawJson.Root(Table19041).GetProperty("user_types").GetProperty(type).GetProperty("fields").TryGetProperty(field, out _);

    private sealed record Expected(ulong Address, ulong Pid, ulong Peb, ulong Parent, ulong DirBase, ulong ObjectTable, ulong Session, string Image, ulong ThreadCidProcess);

    /// <summary>The process as the dump file's bytes hold it, with no ntdbg code involved.</summary>
    private static Expected FromRawBytes()
    {
        byte[] file = File.ReadAllBytes(TestData.Shared(DumpPath));
        long process = (long)Rizin("ProcessOffset"), thread = (long)Rizin("ThreadOffset");
        ulong Q(long at) => BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan((int)at, 8));
        ulong E(string path) => Q(process + (long)IsfField("_EPROCESS", path).Offset);
        var image = IsfField("_EPROCESS", "ImageFileName");
        Assert.Equal("array", image.Type.GetProperty("kind").GetString());
        var imageBytes = file.AsSpan((int)(process + (long)image.Offset), image.Type.GetProperty("count").GetInt32());
        int nul = imageBytes.IndexOf((byte)0);
        return new Expected(
            Q(thread + (long)IsfField("_KTHREAD", "ApcState.Process").Offset),
            E("UniqueProcessId"), E("Peb"), E("InheritedFromUniqueProcessId"), E("Pcb.DirectoryTableBase"), E("ObjectTable"), E("Session"),
            Encoding.ASCII.GetString(nul < 0 ? imageBytes : imageBytes[..nul]),
            Q(thread + (long)IsfField("_ETHREAD", "Cid.UniqueProcess").Offset));
    }

    private static string Header(Expected e, string handleCount) =>
        $"PROCESS {e.Address:x16}\n" +
        $"    SessionId: {(e.Session == 0 ? "none" : "?")}  Cid: {e.Pid:x4}    Peb: {e.Peb:x8}  ParentCid: {e.Parent:x4}\n" +
        $"    DirBase: {e.DirBase:x8}  ObjectTable: {e.ObjectTable:x16}  HandleCount: {handleCount}\n" +
        $"    Image: {e.Image}\n";

    [SharedDataFact(DumpPath)]
    public void CurrentProcessFieldsAreTheDumpsEprocessBytes()
    {
        var e = FromRawBytes();
        // Independent facts about this process: the bugcheck thread's Cid names it, it is the
        // System process (id 4, no PEB, parent or session) and its page directory is the one the
        // dump header records (rizin's DirectoryTableBase).
        Assert.Equal(e.Pid, e.ThreadCidProcess);
        Assert.Equal(4UL, e.Pid);
        Assert.Equal("System", e.Image);
        Assert.Equal(0UL, e.Peb);
        Assert.Equal(0UL, e.Session);
        Assert.Equal(Rizin("DirectoryTableBase"), e.DirBase);

        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var session = SessionOf(target);
        Assert.Equal(target.Threads[target.CurrentThreadIndex].ProcessObject, e.Address);
        // 19041's _HANDLE_TABLE has no HandleCount (Windows 8.1 dropped it) and the triage dump lacks the table's pages: '?' with the reason.
        bool hasCount = IsfHas("_HANDLE_TABLE", "HandleCount");
        Assert.False(hasCount);
        string expected = Header(e, "?");

        foreach (string command in new[] { "!process -1 0", "!process", $"!process {e.Address:x} 0", "!process -1 7", "!process -1 17" })
        {
            string text = Run.Text(target, command, session).Replace("\r", "");
            Assert.StartsWith(expected, text);
            // The count is a walk of the table, whose entry pages a triage dump does not hold.
            Assert.Matches($@"HandleCount: the handle table at {e.ObjectTable >> 32:x8}`{e.ObjectTable & 0xffffffff:x8} cannot be counted: its level-[012] page at [0-9a-f]{{8}}`[0-9a-f]{{8}} is not in the dump", text);
            Assert.Equal(command.EndsWith(" 0", StringComparison.Ordinal) ? 0 : 1,
                Regex.Matches(text, Regex.Escape(ProcessCommand.NoThreadList)).Count);
        }
    }

    [SharedDataFact(DumpPath)]
    public void TriageDumpSaysItHoldsNoProcessListAndNoOtherProcess()
    {
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var session = SessionOf(target);
        string all = Run.Text(target, "!process 0 0", session).Trim();
        Assert.Equal(ProcessCommand.NoProcessList, all);
        var current = target.Threads[target.CurrentThreadIndex].ProcessObject;
        Assert.Equal(ProcessCommand.NeedsModel, Run.Text(target, $"!process {current + 0x1000:x} 0", session).Trim());
    }

    [SharedDataFact(DumpPath)]
    public void ThreadMinusOneIsTheCurrentThread()
    {
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var session = SessionOf(target);
        string minusOne = Run.Text(target, "!thread -1", session);
        Assert.StartsWith($"THREAD {target.Threads[target.CurrentThreadIndex].ThreadObject:x}  Cid 0004.", minusOne);
        Assert.Equal(Run.Text(target, "!thread", session), minusOne);
    }

    [SharedDataFact(DumpPath)]
    public void FieldsOutsideTheDumpAreUnknownWithTheAddressAndReason()
    {
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var session = SessionOf(target);
        // A page past the EPROCESS copy: the triage dump holds none of it.
        ulong elsewhere = target.Threads[target.CurrentThreadIndex].ProcessObject + 0x10000;
        var notes = new List<string>();
        var fields = new KernelFields(session, notes);
        var eprocess = fields.Type("_EPROCESS");
        Assert.Null(fields.Read(eprocess, elsewhere, "UniqueProcessId"));
        ulong at = elsewhere + IsfField("_EPROCESS", "UniqueProcessId").Offset;
        string note = Assert.Single(notes);
        Assert.Contains($"_EPROCESS.UniqueProcessId at {at >> 32:x8}`{at & 0xffffffff:x8} is not in the dump: ", note);
        Assert.Contains("triage dump", note);
        Assert.Null(fields.ReadAnsi(eprocess, elsewhere, "ImageFileName"));
        Assert.Null(fields.Read(eprocess, elsewhere, "NoSuchField"));
        Assert.Contains("has no field NoSuchField", notes[^1]);
    }

    [Fact]
    public void UserDumpsSayProcessIsAKernelCommand()
    {
        using var target = TargetLoader.Open(FixtureFiles.Out("crash-x64.dmp"));
        Assert.Contains(ProcessCommand.KernelOnly, Run.Text(target, "!process -1 0"));
    }
}
