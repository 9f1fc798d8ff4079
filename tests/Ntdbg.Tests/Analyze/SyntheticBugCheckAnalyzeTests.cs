using Ntdbg.Analyses.Analyze;
using Ntdbg.Commands.Commands.Analyze;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.KernelDump;

namespace Ntdbg.Tests.Analyze;

/// <summary>
/// !analyze on a synthetic full dump whose bug check carries no exception or context record:
/// DRIVER_IRQL_NOT_LESS_OR_EQUAL (d1) with the referenced address, IRQL, access type and the
/// faulting instruction's address as the builder wrote them; the culprit is the module holding
/// that address.
/// </summary>
public sealed class SyntheticBugCheckAnalyzeTests
{
    [Fact]
    public void IrqlBugCheckIsReadFromItsParameters()
    {
        var scenario = new SyntheticX64Scenario();
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes("synthetic-d1.dmp", scenario.Build(KernelDumpBuilder.Layout.Full)));
        var outcome = new CommandExecutor(new DebugSession(target)).Execute("!analyze -v");
        Assert.Null(outcome.Error);
        var a = ((AnalyzeResult)outcome.Result!).Analysis;
        var p = target.Bugcheck.Parameters;

        Assert.Equal(AnalysisKind.BugCheck, a.Kind);
        Assert.Equal("DRIVER_IRQL_NOT_LESS_OR_EQUAL", a.BugCheck!.Name);
        Assert.Equal(p, a.BugCheck.Arguments.Select(x => x.Value));
        Assert.Equal(["ReferencedAddress", "Irql", "AccessType", "FaultingInstructionAddress"], a.BugCheck.Arguments.Select(x => x.Role));
        // Parameter 3 = 0: a read of parameter 1, by the instruction at parameter 4.
        Assert.Equal("read", a.Exception!.Access);
        Assert.Equal(p[0], a.Exception.AccessAddress);
        Assert.Equal(p[3], a.FaultingIp);
        var holder = target.Modules.Single(m => m.Contains(p[3]));
        Assert.Equal(holder.Name, a.ModuleName);
        Assert.Equal(holder.FileName, a.ImageName);
        Assert.Equal($"AV_{holder.Name}!unknown_function", a.FailureBucketId);
        Assert.Equal("the bug-checking thread", a.ContextSource);
    }
}
