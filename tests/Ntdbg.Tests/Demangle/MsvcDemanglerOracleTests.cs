using Ntdbg.Symbols.Demangle;
using Ntdbg.Tests.Support;
using Xunit.Abstractions;

namespace Ntdbg.Tests.Demangle;

/// <summary>Every decorated public symbol of the shared PDBs, checked against llvm-undname.</summary>
public sealed class MsvcDemanglerOracleTests(ITestOutputHelper output)
{
    [ToolFact("llvm-undname")]
    public void FullStyleEqualsLlvmUndnameForEveryPdbPublic()
    {
        Assert.NotNull(Tools.Find("llvm-pdbutil"));
        var names = UndnameOracle.DecoratedPublics;
        // crash.pdb, dump_syms_regtest*.pdb, omap_reorder_funcs.pdb and amdppm.pdb alone hold ~900.
        Assert.True(names.Count > 900, $"only {names.Count} decorated publics found");
        var expected = UndnameOracle.Undecorate(names);

        int compared = 0, matched = 0;
        var misses = new List<string>();
        foreach (var name in names)
        {
            if (!expected.TryGetValue(name, out var want) || want == null) continue; // llvm rejects it too
            compared++;
            bool ok = MsvcDemangler.TryDemangle(name, DemangleStyle.Full, out var got);
            if (ok && got == want) matched++;
            else misses.Add($"{name}\n  llvm: {want}\n  ours: {(ok ? got : "<false>")}");
        }
        double rate = 100.0 * matched / compared;
        output.WriteLine($"Full style: {matched}/{compared} equal llvm-undname ({rate:F2}%), {names.Count} names in all");
        foreach (var m in misses.Take(50)) output.WriteLine(m);
        Assert.True(compared > 900, $"llvm-undname answered only {compared} names");
        Assert.True(rate >= 98.0, $"match rate {rate:F2}%:\n{string.Join("\n", misses.Take(20))}");
    }

    [ToolFact("llvm-undname")]
    public void NameOnlyStyleEqualsLlvmUndnameReducedOutputForEveryPdbPublic()
    {
        var names = UndnameOracle.DecoratedPublics;
        var expected = UndnameOracle.Undecorate(names, UndnameOracle.NameOnlyOptions);

        int compared = 0, matched = 0;
        var misses = new List<string>();
        foreach (var name in names)
        {
            if (!UndnameOracle.IsNameOnlyComparable(name)) continue;
            if (!expected.TryGetValue(name, out var reduced) || reduced == null) continue;
            compared++;
            string want = UndnameOracle.ToNameOnly(name, reduced);
            bool ok = MsvcDemangler.TryDemangle(name, DemangleStyle.NameOnly, out var got);
            if (ok && got == want) matched++;
            else misses.Add($"{name}\n  want: {want}\n  ours: {(ok ? got : "<false>")}");
        }
        double rate = 100.0 * matched / compared;
        output.WriteLine($"NameOnly style: {matched}/{compared} equal llvm-undname's reduced output ({rate:F2}%)");
        foreach (var m in misses.Take(50)) output.WriteLine(m);
        Assert.True(compared > 900, $"only {compared} names compared");
        Assert.True(rate >= 98.0, $"match rate {rate:F2}%:\n{string.Join("\n", misses.Take(20))}");
    }

    /// <summary>Hand-decorated names for the Wdf01000 frames in rizin's expected stack, checked
    /// against llvm-undname (Full) and against the names rizin printed (NameOnly).</summary>
    [ToolFact("llvm-undname")]
    public void Wdf01000NamesMatchLlvmAndRizinsStack()
    {
        string[] wdf =
        {
            "?InvokeClient@FxPnpDevicePrepareHardware@@MEAAJXZ",
            "?InvokeStateful@FxPrePostCallback@@QEAAJPEAW4FxCxCallbackProgress@@PEAW4FxCxCallbackCleanupAction@@@Z",
            "?PnpPrepareHardware@FxPkgPnp@@IEAAJPEAEPEAW4FxCxCallbackProgress@@@Z",
            "?PnpEventHardwareAvailable@FxPkgPnp@@KA?AW4_WDF_DEVICE_PNP_STATE@@PEAV1@@Z",
            "?PnpEnterNewState@FxPkgPnp@@IEAAXW4_WDF_DEVICE_PNP_STATE@@@Z",
            "?PnpProcessEventInner@FxPkgPnp@@IEAAXPEAUFxPostProcessInfo@@@Z",
            "?PnpProcessEvent@FxPkgPnp@@QEAAXW4FxPnpEvent@@E@Z",
            "?_PnpStartDevice@FxPkgPnp@@KAJPEAV1@PEAVFxIrp@@@Z",
            "?Dispatch@FxPkgPnp@@MEAAJPEAU_IRP@@@Z",
            "?DispatchWithLock@FxDevice@@SAJPEAU_DEVICE_OBJECT@@PEAU_IRP@@@Z",
        };
        var expected = UndnameOracle.Undecorate(wdf);
        string rizinPath = TestData.Shared("kernel/rizin_dmp_expected_x64.txt");
        string? rizin = File.Exists(rizinPath) ? File.ReadAllText(rizinPath) : null;
        foreach (var name in wdf)
        {
            Assert.True(MsvcDemangler.TryDemangle(name, DemangleStyle.Full, out var full), name);
            Assert.Equal(expected[name], full);
            Assert.True(MsvcDemangler.TryDemangle(name, DemangleStyle.NameOnly, out var shortName), name);
            // rizin writes "pdb.Wdf01000.<access>:_<type>___cdecl_<Scope::Name>_<params>".
            if (rizin != null) Assert.Contains("___cdecl_" + shortName + "_", rizin);
        }
    }
}
