using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Isf;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Types;

/// <summary>`??` and `dx` over the 19041 ISF table and the triage dump; sizes and offsets checked against the raw JSON.</summary>
public sealed class CppExpressionTests
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";
    private const string Table = "5278AFF86C341677D7D7835C85B7B844-1.json.xz";

    private static string Run1(string command)
    {
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        return Run.Text(target, command, new DebugSession(target, TestData.Shared("kernel/isf"))).TrimEnd();
    }

    private static ulong Offset(string type, string field) =>
        IsfRawJson.Root(Table).GetProperty("user_types").GetProperty(type).GetProperty("fields").GetProperty(field).GetProperty("offset").GetUInt64();

    [SharedDataFact(DumpPath)]
    public void SizeofAndOffsetsComeFromTheTable()
    {
        ulong size = IsfRawJson.Root(Table).GetProperty("user_types").GetProperty("_EPROCESS").GetProperty("size").GetUInt64();
        Assert.Equal($"unsigned int64 0x{size:x}", Run1("?? sizeof(nt!_EPROCESS)"));
        Assert.Equal($"unsigned int64 0x{size:x}", Run1("?? sizeof(_EPROCESS)"));
        ulong apc = Offset("_KTHREAD", "ApcState");
        Assert.Equal($"struct _KAPC_STATE * 0x00000000`{apc:x8}", Run1("?? &((nt!_KTHREAD*)0)->ApcState"));
        ulong process = Offset("_KAPC_STATE", "Process");
        Assert.Equal($"struct _KPROCESS * * 0x00000000`{apc + process + 0x1000:x8}", Run1("?? &((nt!_KTHREAD*)0x1000)->ApcState.Process").Replace("**", "* *"));
    }

    [SharedDataFact(DumpPath)]
    public void CastsAndMembersReadTheDump()
    {
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var t = target.Threads[target.CurrentThreadIndex];
        var session = new DebugSession(target, TestData.Shared("kernel/isf"));
        string expected = $"struct _KPROCESS * 0x{t.ProcessObject >> 32:x8}`{t.ProcessObject & 0xffffffff:x8}";
        Assert.Equal(expected, Run.Text(target, $"?? ((nt!_KTHREAD*)0x{t.ThreadObject:x})->Process", session).TrimEnd());
        Assert.Equal(expected, Run.Text(target, $"?? ((nt!_KTHREAD*)0x{t.ThreadObject:x})->ApcState.Process", session).TrimEnd());
        // A process object's dispatcher header type is ProcessObject (3).
        Assert.Equal("unsigned char 0x3 ''", Run.Text(target, $"?? ((nt!_KTHREAD*)0x{t.ThreadObject:x})->Process->Header.Type", session).TrimEnd());
        // Pointer arithmetic scales by the pointee; [] indexes.
        Assert.Equal($"struct _KTHREAD * 0x{(t.ThreadObject + 2 * Size("_KTHREAD")) >> 32:x8}`{(t.ThreadObject + 2 * Size("_KTHREAD")) & 0xffffffff:x8}",
            Run.Text(target, $"?? (nt!_KTHREAD*)0x{t.ThreadObject:x} + 2", session).TrimEnd());
        Assert.Equal(Run.Text(target, $"?? ((nt!_KTHREAD*)0x{t.ThreadObject:x})->Process", session), Run.Text(target, $"?? ((nt!_KTHREAD*)0x{t.ThreadObject:x})[0].Process", session));

        string dx = Run.Text(target, $"dx ((nt!_KTHREAD*)0x{t.ThreadObject:x})->ApcState", session);
        Assert.Matches(new Regex(@"^\(\(nt!_KTHREAD\*\)0x[0-9a-f]+\)->ApcState \[Type: _KAPC_STATE\]", RegexOptions.Multiline), dx);
        Assert.Contains($"[+0x{Offset("_KAPC_STATE", "Process"):x3}] Process", dx);
        Assert.Contains(expected.Replace("struct _KPROCESS * ", ""), dx);
    }

    private static ulong Size(string type) =>
        IsfRawJson.Root(Table).GetProperty("user_types").GetProperty(type).GetProperty("size").GetUInt64();

    [SharedDataFact(DumpPath)]
    public void ArithmeticAndErrors()
    {
        Assert.Equal("int 0n7", Run1("?? 1+2*3"));
        Assert.Equal("int 0n-1", Run1("?? 2-3"));
        Assert.Equal("unsigned long 0xffffffff", Run1("?? (unsigned long)-1"));
        Assert.Equal("bool true", Run1("?? 3 > 2 && 1"));
        Assert.Contains("has no member", Run1("?? ((nt!_KTHREAD*)0)->NoSuchField"));
        Assert.Contains("Memory access error", Run1("?? ((nt!_KTHREAD*)0x10)->Process"));
        Assert.Contains("nested too deeply", Run1("?? " + new string('(', 500) + "1" + new string(')', 500)));
    }
}
