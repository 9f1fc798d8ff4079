using System.Diagnostics;
using System.Globalization;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Fixtures;

/// <summary>
/// fixtures/drivers.sh: the committed kernel drivers pass its LLVM checks (native subsystem,
/// ExAllocatePoolWithTag imported from ntoskrnl.exe, one `mov r8d,&lt;tag&gt;` + call per allocation
/// site), and rebuilding them with clang + lld gives the committed .sys and .pdb byte for byte.
/// </summary>
public sealed class FixtureDriversScriptTests
{
    [FixtureToolFact("llvm-readobj", "llvm-objdump")]
    public void CommittedDriversPassTheLlvmChecks() => DriversSh("--check");

    [FixtureToolFact("clang", "ld.lld", "llvm-dlltool", "llvm-readobj", "llvm-objdump", "cmp")]
    public void RebuildIsByteIdentical() => DriversSh("--verify-build");

    private static void DriversSh(string mode)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(TestData.Repo("fixtures/drivers.sh"));
        psi.ArgumentList.Add(mode);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "drivers.sh timed out");
        Assert.True(p.ExitCode == 0, $"drivers.sh {mode} failed ({p.ExitCode.ToString(CultureInfo.InvariantCulture)}):\n{stdout}\n{stderr.Result}");
    }
}
