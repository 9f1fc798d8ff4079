using Ntdbg.Targets;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Session;

/// <summary>
/// The loaded modules under the names the debugger gives them (the kernel is "nt", as in WinDbg),
/// sorted by base for address lookups.
/// </summary>
public sealed class ModuleTable
{
    private static readonly HashSet<string> KernelImageNames =
        new(["ntoskrnl", "ntkrnlmp", "ntkrnlpa", "ntkrpamp"], StringComparer.OrdinalIgnoreCase);

    private readonly ModuleInfo[] _byBase;
    private readonly Dictionary<string, ModuleInfo> _byName = new(StringComparer.OrdinalIgnoreCase);

    public ModuleTable(ITarget target)
    {
        var renamed = new List<ModuleInfo>(target.Modules.Count);
        foreach (var m in target.Modules)
        {
            var mod = target.Kind == TargetKind.KernelDump && KernelImageNames.Contains(m.Name) ? m with { Name = "nt" } : m with { Name = Identifier(m.Name) };
            // WinDbg disambiguates duplicate names with the base address ("foo_7ff6a0000000").
            if (_byName.ContainsKey(mod.Name)) mod = mod with { Name = $"{mod.Name}_{mod.Base:x}" };
            _byName[mod.Name] = mod;
            renamed.Add(mod);
        }
        All = renamed;
        _byBase = [.. renamed.OrderBy(m => m.Base)];
    }

    /// <summary>
    /// WinDbg turns characters that cannot appear in an expression into '_' ("api-ms-win-core" →
    /// "api_ms_win_core"), so every module name can be typed as a value.
    /// </summary>
    public static string Identifier(string name)
    {
        var chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_') chars[i] = '_';
        return chars.Length == 0 ? "_" : new string(chars);
    }

    /// <summary>Modules in the target's own (load) order.</summary>
    public IReadOnlyList<ModuleInfo> All { get; }

    /// <summary>Modules sorted by base address, as `lm` lists them.</summary>
    public IReadOnlyList<ModuleInfo> ByBase => _byBase;

    public bool TryFind(string name, out ModuleInfo module)
    {
        if (_byName.TryGetValue(name, out module!)) return true;
        // "amdppm.sys" finds "amdppm" too.
        module = All.FirstOrDefault(m => string.Equals(m.FileName, name, StringComparison.OrdinalIgnoreCase))!;
        return module != null;
    }

    public ModuleInfo? FindByAddress(ulong address)
    {
        int lo = 0, hi = _byBase.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var m = _byBase[mid];
            if (address < m.Base) hi = mid - 1;
            else if (address - m.Base >= m.Size) lo = mid + 1;
            else return m;
        }
        return null;
    }

    /// <summary>"module+0x1234" for an address inside a module, or null.</summary>
    public string? Describe(ulong address)
    {
        var m = FindByAddress(address);
        if (m == null) return null;
        ulong off = address - m.Base;
        return off == 0 ? m.Name : $"{m.Name}+0x{off:x}";
    }
}
