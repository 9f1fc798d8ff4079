namespace Ntdbg.Commands.Commands.Pool.Triage;

/// <summary>
/// What to do after the triage, as the seed advises: a dump is a snapshot without history, so a
/// leak is confirmed over time; a tag and driver name are searched for known issues and driver
/// updates; a driver you own is debugged from the allocations' call stacks.
/// </summary>
public static class PoolTriageNextSteps
{
    public static List<string> For(PoolTriageVerdict verdict, IReadOnlyList<PoolTagSuspect> suspects, bool searchedDriversFolder)
    {
        var steps = new List<string>();
        if (verdict.Problem == null)
            steps.Add("No pool looks excessive in this dump. If you still suspect a leak, log perfmon's Memory\\Pool Nonpaged Bytes and Pool Paged Bytes and `poolmon -b -n poolmonlog1.txt` over hours: a leak grows and never falls.");
        else
            steps.Add("A dump is one snapshot: it cannot tell a leak from load. If the machine can run, confirm with perfmon (Memory\\Pool Nonpaged Bytes / Pool Paged Bytes) and `poolmon -b` logs over time: a leak grows and never falls when the load does.");
        foreach (var s in suspects)
        {
            string tag = s.Rank.Tag;
            var owner = s.Drivers.FirstOrDefault(d => d.Allocations.Count > 0) ?? s.Drivers.FirstOrDefault();
            if (owner == null)
            {
                steps.Add($"'{tag}': no module in the dump{(searchedDriversFolder ? " or file under --drivers" : "")} uses the tag in its code. The driver may be unloaded (`lm` lists unloaded modules), its pages missing from the dump (see the unscanned list), or the tag built at run time; search the driver folder as the seed does (`findstr /s /m {tag} %SystemRoot%\\System32\\drivers\\*.sys`) and pass that folder with --drivers.");
                continue;
            }
            steps.Add($"'{tag}' in {owner.Module}: search the tag and the driver name for known issues; a driver update may fix the leak, so install it if one exists.");
            string where = owner.Allocations.FirstOrDefault() is { } a ? $" ({a.Module}!{a.Function ?? $"+0x{a.FunctionRva:x}"} allocates it)" : "";
            steps.Add($"If {owner.Module} is your driver, or no update exists, find under which conditions it leaks{where} from the allocations' call stacks: " +
                $"trace them with ETW pool tagging (`xperf -on PROC_THREAD+LOADER+POOL -stackwalk PoolAlloc+PoolFree -PoolTag {tag}`, or `wpr -start Pool`), then look at the allocations never freed; " +
                $"in WinDbg, `!poolfind {tag} {(s.Pool == PoolKind.NonPaged ? 0 : 1)}` lists the allocations in this dump and `!pool <address>` shows one's header and neighbours (their contents often show what leaked); " +
                $"Driver Verifier's pool tracking (`verifier /flags 0x8 /driver {owner.Module}`) records each allocation, and `!verifier 3 {owner.Module}` in a later dump lists the ones outstanding.");
        }
        return steps;
    }
}
