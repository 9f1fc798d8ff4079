namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// nt!NtBuildLab: the build lab string of each build's first public release (what
/// `vertarget` prints as "Edition build lab"), written at the symbol's RVA where the KDBG's
/// NtBuildLab field points.
/// </summary>
public static class BuildLabWriter
{
    public static readonly IReadOnlyDictionary<int, string> Labs = new Dictionary<int, string>
    {
        [7601] = "7601.17514.amd64fre.win7sp1_rtm.101119-1850",
        [9600] = "9600.16384.amd64fre.winblue_rtm.130821-1623",
        [14393] = "14393.0.amd64fre.rs1_release.160715-1616",
        [17763] = "17763.1.amd64fre.rs5_release.180914-1434",
        [19041] = "19041.1.amd64fre.vb_release.191206-1406",
        [20348] = "20348.1.amd64fre.fe_release.210507-1500",
        [22000] = "22000.1.amd64fre.co_release.210604-1628",
    };

    /// <summary>Writes the string; returns its address (for the KDBG).</summary>
    public static ulong Write(KernelScenario s)
    {
        var w = new KernelVariableWriter(s, 0);
        ulong at = w.Symbol("NtBuildLab") ?? throw new KeyNotFoundException($"{s.Layout.Path}: no NtBuildLab");
        var text = System.Text.Encoding.ASCII.GetBytes((Labs.TryGetValue(s.Build, out var lab) ? lab : $"{s.Build}.1.amd64fre.synthetic.000000-0000") + "\0");
        w.EnsureMapped(at, (ulong)text.Length);
        s.Tables.WriteVirtual(at, text);
        return at;
    }
}
