using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.SymbolModel;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Stacks;

/// <summary>
/// `.trap Address`. On the triage dump, rizin's frame 7 is the fault handler whose frame is the
/// processor's trap frame (its size is _KTRAP_FRAME's, 0x190): decoded with the ISF's layout it is
/// the interrupted amdppm code — rizin's frame 8 — and its volatile registers equal the CONTEXT
/// record the kernel built from it (bugcheck parameter 4, read by .cxr). On x86, with a
/// _KTRAP_FRAME typed as the 32-bit kernel lays it out, the stack pointer follows the mode the
/// trap came from.
/// </summary>
public sealed class TrapCommandTests
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";
    private static readonly Regex RizinFrame = new(@"^(\d+)\s+0x([0-9a-f]+) sp: 0x([0-9a-f]+)\s+\d+\s+\[\?\?\]", RegexOptions.Multiline);
    private static readonly Regex ChildSp = new(@"^[0-9a-f]{2} ([0-9a-f]{8}`[0-9a-f]{8}) ", RegexOptions.Multiline);

    private static Dictionary<string, string> Registers(string text) =>
        Regex.Matches(text, @"\b([a-z0-9]+)=([0-9a-f?]+)(?=\s|$)").GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.First().Groups[2].Value);

    private static ulong Hex(string s) => ulong.Parse(s.Replace("`", ""), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [SharedDataFact(DumpPath)]
    public void TrapFrameOfTheFaultIsTheInterruptedDriverCodeAndMatchesItsContextRecord()
    {
        string rizin = File.ReadAllText(TestData.Shared("kernel/rizin_dmp_expected_x64.txt"));
        int section = rizin.IndexOf("NAME=: Triage Dump Debug x64", StringComparison.Ordinal);
        var frames = RizinFrame.Matches(rizin[section..]).Select(m => (N: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Ip: Hex(m.Groups[2].Value), Sp: Hex(m.Groups[3].Value)))
            .TakeWhile(f => f.N < 36).ToList();
        var handler = frames[7];
        var interrupted = frames[8];

        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var kernel = (IKernelTarget)target;
        var session = new DebugSession(target, $"{TestData.Shared("kernel/isf")};{TestData.Shared("kernel/symstore")}");
        var type = session.SymbolTable.FindType("nt!_KTRAP_FRAME")!.Value.Type;
        Assert.Equal(interrupted.Sp - handler.Sp, type.Size);

        var context = Registers(Run.Text(target, $".cxr {kernel.Bugcheck.Parameters[3]:x}", session));
        string trapText = Run.Text(target, $".trap {handler.Sp:x}", session);
        var trap = Registers(trapText);
        Assert.Equal(interrupted.Ip, Hex(trap["rip"]));
        Assert.Equal(kernel.Bugcheck.Parameters[1], Hex(trap["rip"])); // the exception address
        Assert.Equal(interrupted.Sp, Hex(trap["rsp"]));
        foreach (string r in new[] { "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "rbp", "rip", "rsp", "efl", "cs", "ss" })
            Assert.True(context[r] == trap[r], $"{r}: the trap frame says {trap[r]}, the context record {context[r]}\n{trapText}");
        foreach (string r in new[] { "rbx", "rsi", "rdi", "r12", "r13", "r14", "r15" })
            Assert.Equal(new string('?', 16), trap[r]);
        Assert.Contains("NOTE: The trap frame does not contain all registers", trapText);
        Assert.Contains("amdppm!WriteIoMemRawEx+0x70:", trapText);

        // k from the trap frame: rizin's frames 8-23 (amdppm and Wdf01000, unwound by .pdata).
        var sps = ChildSp.Matches(Run.Text(target, "kn 0n16", session)).Select(m => Hex(m.Groups[1].Value)).ToList();
        Assert.Equal(frames.Skip(8).Take(16).Select(f => f.Sp), sps);

        Assert.Contains("Resetting default scope", Run.Text(target, ".trap", session));
        Assert.Null(session.ContextOverride);
    }

    // The 32-bit kernel's _KTRAP_FRAME (0x8c bytes) as its public headers declare it.
    private static readonly (string Name, ulong Offset)[] X86Layout =
    [
        ("DbgEbp", 0x00), ("DbgEip", 0x04), ("DbgArgMark", 0x08), ("TempSegCs", 0x0c), ("TempEsp", 0x10),
        ("Dr0", 0x14), ("Dr1", 0x18), ("Dr2", 0x1c), ("Dr3", 0x20), ("Dr6", 0x24), ("Dr7", 0x28),
        ("SegGs", 0x30), ("SegEs", 0x34), ("SegDs", 0x38), ("Edx", 0x3c), ("Ecx", 0x40), ("Eax", 0x44),
        ("PreviousPreviousMode", 0x48), ("ExceptionList", 0x4c), ("SegFs", 0x50), ("Edi", 0x54), ("Esi", 0x58),
        ("Ebx", 0x5c), ("Ebp", 0x60), ("ErrCode", 0x64), ("Eip", 0x68), ("SegCs", 0x6c), ("EFlags", 0x70),
        ("HardwareEsp", 0x74), ("HardwareSegSs", 0x78), ("V86Es", 0x7c), ("V86Ds", 0x80), ("V86Fs", 0x84), ("V86Gs", 0x88),
    ];

    private const ulong TrapAt = 0x80a01000;

    private static (FakeTarget, DebugSession) X86Kernel(Action<Dictionary<string, uint>> values, bool withType = true)
    {
        var u4 = new PrimitiveType("unsigned long", PrimitiveKind.UInt, 4);
        var type = new UdtType("_KTRAP_FRAME", UdtKind.Struct, 0x8c, () => X86Layout.Select(f => new UdtField(f.Name, f.Offset, u4)).ToList());
        var fields = new Dictionary<string, uint>();
        for (int i = 0; i < X86Layout.Length; i++) fields[X86Layout[i].Name] = 0x1000u * (uint)(i + 1) + 0x11;
        values(fields);
        var bytes = new byte[0x8c];
        foreach (var (name, offset) in X86Layout) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)offset), fields[name]);
        var target = new FakeTarget { Machine = Machine.X86, Kind = TargetKind.KernelDump };
        target.ModuleList.Add(new ModuleInfo("ntkrpamp.exe", 0x80800000, 0x200000, 0, 0));
        target.Regions.Add(TrapAt, bytes);
        var session = new DebugSession(target, Path.GetTempPath() + "ntdbg-none");
        if (withType)
            session.SymbolTable.Attach(session.SymbolTable.Modules[0], new ListSymbolSource([], new OneType(type)));
        return (target, session);
    }

    private sealed class OneType(DbgType type) : ITypeSystem
    {
        public int PointerSize => 4;
        public DbgType? FindType(string name) => name == type.Name ? type : null;
        public IEnumerable<DbgType> MatchTypes(string pattern) => SymbolWildcard.Matches(pattern, type.Name) ? [type] : [];
    }

    [Fact]
    public void X86KernelModeTrapHasItsStackPointerWhereTheProcessorStoppedPushing()
    {
        Dictionary<string, uint> f = [];
        var (target, session) = X86Kernel(v => { v["SegCs"] = 0x08; v["EFlags"] = 0x10282; f = v; });
        var r = Registers(Run.Text(target, $".trap {TrapAt:x}", session));
        foreach (var (reg, field) in new[] { ("eax", "Eax"), ("ebx", "Ebx"), ("ecx", "Ecx"), ("edx", "Edx"), ("esi", "Esi"), ("edi", "Edi"), ("ebp", "Ebp"), ("eip", "Eip"), ("efl", "EFlags") })
            Assert.Equal(f[field], (uint)Hex(r[reg]));
        Assert.Equal("0008", r["cs"]);
        Assert.Equal(TrapAt + 0x74, Hex(r["esp"])); // &HardwareEsp: nothing was pushed past EFlags
        Assert.Equal((ulong)(f["SegFs"] & 0xffff), Hex(r["fs"]));
    }

    [Fact]
    public void X86UserModeTrapTakesEspAndSsFromWhatTheProcessorPushed()
    {
        Dictionary<string, uint> f = [];
        var (target, session) = X86Kernel(v => { v["SegCs"] = 0x1b; f = v; });
        var r = Registers(Run.Text(target, $".trap {TrapAt:x}", session));
        Assert.Equal(f["HardwareEsp"], (uint)Hex(r["esp"]));
        Assert.Equal(f["HardwareSegSs"] & 0xffff, (uint)Hex(r["ss"]));
        Assert.Equal(f["Eip"], (uint)Hex(r["eip"]));
    }

    [Fact]
    public void X86EditedTrapFrameKeepsCsAndEspInItsTemporarySlots()
    {
        Dictionary<string, uint> f = [];
        var (target, session) = X86Kernel(v => { v["SegCs"] = 0; v["TempSegCs"] = 0x08; f = v; });
        var r = Registers(Run.Text(target, $".trap {TrapAt:x}", session));
        Assert.Equal(f["TempEsp"], (uint)Hex(r["esp"]));
        Assert.Equal("0008", r["cs"]);
    }

    [Fact]
    public void WithoutTheTypeOrTheMemoryTrapSaysWhatIsMissing()
    {
        var (target, session) = X86Kernel(_ => { }, withType: false);
        Assert.Contains("needs the type nt!_KTRAP_FRAME", Run.Text(target, $".trap {TrapAt:x}", session));
        var (t2, s2) = X86Kernel(_ => { });
        Assert.Contains("cannot read the trap frame at", Run.Text(t2, $".trap {TrapAt + 0x10:x}", s2));
        Assert.Null(s2.ContextOverride);
    }
}
