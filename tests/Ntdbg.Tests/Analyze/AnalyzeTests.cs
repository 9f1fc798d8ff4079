using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ntdbg.Analyses.Analyze;
using Ntdbg.Cli.Triage;
using Ntdbg.Commands.Commands.Analyze;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Analyze;

/// <summary>
/// !analyze -v and `ntdbg triage crash` on real dumps, each figure checked against a source
/// other than the analyzer: the dump header (verified against rizin elsewhere), rizin's frame
/// names, `llvm-objdump` of the stored image, lldb's test expectations, the crashing source
/// file and mingw-w64's winnt.h.
/// </summary>
public sealed class AnalyzeTests
{
    private const string TriageDump = "kernel/triage_x64_19041.dmp";
    private const string WinntH = "/usr/share/mingw-w64/include/winnt.h";

    private static (CrashAnalysis Analysis, string Text) Analyze(DebugSession session)
    {
        var outcome = new CommandExecutor(session).Execute("!analyze -v");
        Assert.Null(outcome.Error);
        var writer = new StringWriter();
        Ntdbg.Commands.Rendering.Text.TextRendering.Default.Render(outcome, writer);
        return (((AnalyzeResult)outcome.Result!).Analysis, writer.ToString());
    }

    [SharedDataFact(TriageDump)]
    public void TriageDumpNamesTheBugcheckTheExceptionAndAmdppmsFaultingFunction()
    {
        using var target = TargetLoader.Open(TestData.Shared(TriageDump));
        var kernel = (IKernelTarget)target;
        var session = new DebugSession(target, $"{TestData.Shared("kernel/isf")};{TestData.Shared("kernel/symstore")}");
        var (a, text) = Analyze(session);

        Assert.Equal(kernel.Bugcheck.Code, a.BugCheck!.Code);
        Assert.Contains($"SYSTEM_THREAD_EXCEPTION_NOT_HANDLED ({kernel.Bugcheck.Code:x})", text);
        // The exception record the third parameter points at agrees with parameters 1 and 2.
        Assert.Equal(0xC0000005u, a.Exception!.Code);
        Assert.Equal((uint)kernel.Bugcheck.Parameters[0], a.Exception.Code);
        Assert.Equal(kernel.Bugcheck.Parameters[1], a.Exception.Address);
        Assert.Equal(kernel.Bugcheck.Parameters[1], a.FaultingIp);
        Assert.Contains($"{kernel.Bugcheck.Parameters[3]:x}", a.ContextSource!.Replace("`", ""));

        // rizin's frame 8 (the first frame of the context record's stack) names the function.
        string rizin = File.ReadAllText(TestData.Shared("kernel/rizin_dmp_expected_x64.txt"));
        var frame8 = Regex.Match(rizin[rizin.IndexOf("NAME=: Triage Dump Debug x64", StringComparison.Ordinal)..], @"^8\s+0x([0-9a-f]+) sp: 0x[0-9a-f]+\s+\d+\s+\[\?\?\]\s+pdb\.amdppm\.(\w+)\+", RegexOptions.Multiline);
        Assert.True(frame8.Success);
        Assert.Equal(ulong.Parse(frame8.Groups[1].Value, NumberStyles.HexNumber), a.FaultingIp);
        string function = frame8.Groups[2].Value;
        Assert.Equal("WriteIoMemRawEx", function);
        Assert.Equal(function, a.FunctionName);
        Assert.Equal("amdppm", a.ModuleName);
        Assert.Equal("amdppm.sys", a.ImageName);
        Assert.Equal($"AV_amdppm!{function}", a.FailureBucketId);
        Assert.Contains($"FAILURE_BUCKET_ID:  AV_amdppm!{function}", text);
        Assert.Contains("IMAGE_NAME:  amdppm.sys", text);
        Assert.Equal(0, a.FaultingFrame);
        Assert.StartsWith($"amdppm!{function}+0x", a.Stack[0].CallSite);
    }

    [ToolFact("llvm-objdump")]
    public void TriageDumpsFaultingInstructionIsTheOneObjdumpShowsInTheStoredImage()
    {
        if (!File.Exists(TestData.Shared(TriageDump))) return;
        using var target = TargetLoader.Open(TestData.Shared(TriageDump));
        var session = new DebugSession(target, $"{TestData.Shared("kernel/isf")};{TestData.Shared("kernel/symstore")}");
        var (a, _) = Analyze(session);
        var amdppm = target.Modules.Single(m => m.Name == "amdppm");
        string image = Directory.GetFiles(TestData.Shared("kernel/symstore/amdppm.sys"), "amdppm.sys", SearchOption.AllDirectories).Single();
        // objdump addresses are the image's preferred-base VAs.
        using var file = Ntdbg.Core.IO.MappedFile.Open(image);
        ulong preferred = Ntdbg.Formats.Pe.PeImage.FromFile(file).OptionalHeader.ImageBase;
        ulong va = preferred + (a.FaultingIp!.Value - amdppm.Base);
        string dump = Tools.Run("llvm-objdump", "-d", "--no-show-raw-insn", $"--start-address=0x{va:x}", $"--stop-address=0x{va + 1:x}", "-M", "intel", image);
        var line = Regex.Match(dump, $@"^\s*{va:x}:\s+(\S+)\s+(.*)$", RegexOptions.Multiline);
        Assert.True(line.Success, dump);
        // Ours: "address bytes mnemonic operands"; compare the mnemonic and the registers named.
        var ours = Regex.Match(a.FaultingInstruction!, @"^\S+ [0-9a-f]+\s+(\S+)\s+(.*)$");
        Assert.Equal(line.Groups[1].Value, ours.Groups[1].Value);
        foreach (Match reg in Regex.Matches(line.Groups[2].Value, @"\b(r\d+d?|e?[a-d]x|r[a-d]x|[re]?[sd]i|[re]?[sb]p)\b"))
            Assert.Contains(reg.Value, ours.Groups[2].Value);
    }

    [SharedDataFact("user/lldb/sigsegv.dmp")]
    public void SigsegvIsANullPointerWriteInTheFunctionThatWritesThroughNull()
    {
        string test = File.ReadAllText(TestData.Shared("user/lldb/sigsegv.test"));
        ulong expectedIp = ulong.Parse(Regex.Match(test, @"encountered at address 0x([0-9a-f]+)").Groups[1].Value, NumberStyles.HexNumber);
        // The function whose body holds the null write in the program's source.
        string source = File.ReadAllText(TestData.Shared("user/lldb/sigsegv.cpp"));
        int write = source.IndexOf("nullptr = 0", StringComparison.Ordinal);
        string function = Regex.Matches(source[..write], @"^\w[\w\s\*]*\b(\w+)\([^)]*\)\s*$", RegexOptions.Multiline).Last().Groups[1].Value;

        using var target = TargetLoader.Open(TestData.Shared("user/lldb/sigsegv.dmp"));
        var (a, text) = Analyze(new DebugSession(target, TestData.Shared("user/lldb")));
        Assert.Equal(expectedIp, a.FaultingIp);
        Assert.Equal(function, a.FunctionName);
        Assert.Equal("write", a.Exception!.Access);
        Assert.Equal(0UL, a.Exception.AccessAddress);
        Assert.Equal($"NULL_POINTER_WRITE_c0000005_sigsegv.exe!{function}", a.FailureBucketId);
        Assert.Contains("Exception Analysis", text);
        Assert.Contains("WRITE_ADDRESS:", text);
    }

    public static TheoryData<string, string> BreakpadDumps => new()
    {
        { "null_read_av.dmp", "NULL_POINTER_READ" },
        { "stack_exhaustion.dmp", "STACK_OVERFLOW" },
        { "tiny-exe-fastfail.dmp", "FAIL_FAST_" },
    };

    [SharedDataTheory]
    [MemberData(nameof(BreakpadDumps))]
    public void ProblemClassFollowsTheExceptionRecord(string dump, string expectedClass)
    {
        using var target = TargetLoader.Open(TestData.Shared($"user/breakpad/{dump}"));
        var ex = target.Exception!;
        var (a, _) = Analyze(new DebugSession(target, TestData.Shared("user/breakpad/symbols")));
        Assert.StartsWith(expectedClass, a.ProblemClass);
        Assert.Equal(ex.Code, a.Exception!.Code);
        Assert.Equal(ex.Address, a.FaultingIp);
        Assert.Equal(ex.Address, a.Stack[0].InstructionPointer);
        Assert.StartsWith($"{a.ProblemClass}_{ex.Code:x8}_{target.Modules[0].FileName}!", a.FailureBucketId);
        if (ex.Code == 0xC0000005) Assert.Equal(ex.Parameters[1] < 0x10000, a.ProblemClass.StartsWith("NULL_", StringComparison.Ordinal));
    }

    [FileFact(WinntH, "mingw-w64-common")]
    public void FastFailNamesAgreeWithWinntH()
    {
        const string header = WinntH;
        var defines = Regex.Matches(File.ReadAllText(header), @"#define FAST_FAIL_(\w+) (\d+)\b");
        Assert.True(defines.Count >= 10, "winnt.h defines FAST_FAIL_ codes 0-9 at least");
        int compared = 0;
        foreach (Match d in defines)
        {
            if (d.Groups[1].Value == "INVALID_FAST_FAIL_CODE") continue;
            Assert.Equal(d.Groups[1].Value, ExceptionCodes.FastFailName(ulong.Parse(d.Groups[2].Value)));
            compared++;
        }
        Assert.True(compared >= 10);
    }

    [Fact]
    public void TriageCrashPrintsTheSameBucketAsAnalyzeAndJson()
    {
        string dump = TestData.Repo("fixtures/out/crash-x64.dmp");
        using var target = TargetLoader.Open(dump);
        var (a, _) = Analyze(new DebugSession(target, TestData.Repo("fixtures/out")));
        Assert.Equal("crash_stage_four_write", a.FunctionName);

        var text = new StringWriter();
        Assert.Equal(0, TriageCommand.Run(["crash", dump, "-y", TestData.Repo("fixtures/out")], text, TextWriter.Null));
        Assert.Contains($"bucket:    {a.FailureBucketId}", text.ToString());
        Assert.Contains("<== faulting frame", text.ToString());

        var json = new StringWriter();
        Assert.Equal(0, TriageCommand.Run(["crash", dump, "-y", TestData.Repo("fixtures/out"), "--json"], json, TextWriter.Null));
        using var doc = JsonDocument.Parse(json.ToString());
        var analysis = doc.RootElement.GetProperty("result").GetProperty("analysis");
        Assert.Equal(a.FailureBucketId, analysis.GetProperty("failureBucketId").GetString());
        Assert.Equal(a.Stack.Count, analysis.GetProperty("stack").GetArrayLength());

        Assert.Equal(2, TriageCommand.Run(["hang", dump], TextWriter.Null, TextWriter.Null));
    }
}

/// <summary>A fact that needs a file a Debian package installs; skipped visibly without it.</summary>
public sealed class FileFactAttribute : FactAttribute
{
    public FileFactAttribute(string path, string package)
    {
        if (!File.Exists(path)) Skip = $"{path} is absent (package {package}): cross-check skipped";
    }
}
