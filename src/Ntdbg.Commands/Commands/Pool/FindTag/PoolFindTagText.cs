using Ntdbg.Analyses.Pool;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Pool.FindTag;

/// <summary>
/// `ntdbg pool findtag` as text: per place searched, the code hits (allocation/free calls first),
/// the data hits, the parts of modules the dump lacks and the images that could not be read.
/// </summary>
public sealed class PoolFindTagText : Rendering.Text.TextRenderer<PoolFindTagResult>
{
    protected override void Render(PoolFindTagResult r, TextWriter o)
    {
        o.WriteLine($"Pool tag '{r.Tag}' (0x{r.Value:X8})");
        if (r.InDump is { } dump)
        {
            o.WriteLine($"In the dump {r.DumpPath} ({dump.ImagesScanned} module(s)):");
            Hits(dump, o, a => Hex.Pointer(a, r.PointerSize));
        }
        if (r.OnDisk is { } disk)
        {
            o.WriteLine($"Under {r.Directory} ({disk.ImagesScanned} image(s)):");
            Hits(disk, o, a => $"+0x{a:x}");
        }
    }

    /// <summary>The hits of one search; files show RVAs (+0x…), dumps the addresses the dump holds them at.</summary>
    public static void Hits(PoolTagResult result, TextWriter o, Func<ulong, string> where)
    {
        if (result.CodeHits.Count == 0 && result.StringHits.Count == 0) o.WriteLine("  no use of the tag found");
        foreach (var hit in result.CodeHits.OrderByDescending(h => h.IsAllocation).ThenByDescending(h => h.IsPoolCall))
            o.WriteLine("  " + CodeLine(hit, where));
        foreach (var hit in result.StringHits)
            o.WriteLine($"  data {hit.Module} {hit.Section} {Place(hit.Source, hit.Address, hit.Rva, where)} '{hit.Tag}'");
        foreach (var m in result.Missing)
            o.WriteLine($"  missing {m.Module} {m.Section} {where(m.Address)} (0x{m.Length:x} bytes, {m.Kind}): {m.Reason}");
        foreach (var e in result.Errors)
            o.WriteLine($"  skipped {e.Path}: {e.Problem}");
    }

    /// <summary>"pool myfault.sys!LeakPool fffff880`044b63a5 'Leak': mov r8d,6B61654Ch -> call ExAllocatePoolWithTag at …".</summary>
    public static string CodeLine(PoolTagCodeHit hit, Func<ulong, string> where)
    {
        string function = hit.Function != null ? $"{hit.Module}!{hit.Function}" : $"{hit.Module}+0x{hit.FunctionRva:x}";
        ulong callAt = hit.Source == PoolTagSource.Dump ? hit.Address - hit.Rva + (hit.CallRva ?? 0) : hit.CallRva ?? 0;
        string call = hit.CallTarget != null ? $" -> call {hit.CallTarget} at {where(callAt)}" : "";
        string mark = hit.IsAllocation ? "alloc " : hit.IsPoolCall ? "free  " : "code  ";
        return $"{mark}{function} {Place(hit.Source, hit.Address, hit.Rva, where)} '{hit.Tag}': {hit.Instruction}{call}";
    }

    private static string Place(PoolTagSource source, ulong address, uint rva, Func<ulong, string> where) =>
        where(source == PoolTagSource.Dump ? address : rva);
}
