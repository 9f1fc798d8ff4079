using System.Text.RegularExpressions;
using Ntdbg.Commands.Engine;
using Ntdbg.Symbols.Loading;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Modules;

/// <summary>
/// lm [v] [f] [k|u] [1m] [a Address] [m Pattern]: list modules. Option letters may be joined as
/// WinDbg users type them ("lmvm nt", "lmkv").
/// </summary>
[Command("lm", Summary = "List loaded (and unloaded) modules",
    Usage = "lm[v][f][k|u][1m] [a Address] [m Pattern]   e.g. lmvm nt, lm a fffff880`044b63aa")]
public sealed class LmCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var args = context.Args;
        var s = context.Session;
        bool verbose = false, full = false, kernelOnly = false, userOnly = false, namesOnly = false;
        string? pattern = null;
        ulong? address = null;
        while (!args.AtEnd)
        {
            string word = args.ReadWord();
            string letters = word;
            bool wantsPattern = false, wantsAddress = false;
            if (letters.StartsWith("1m", StringComparison.OrdinalIgnoreCase)) { namesOnly = true; letters = letters[2..]; }
            foreach (char c in letters.ToLowerInvariant())
            {
                switch (c)
                {
                    case 'v': verbose = true; break;
                    case 'f': full = true; break;
                    case 'k': kernelOnly = true; break;
                    case 'u': userOnly = true; break;
                    case 'l': case 'o': case 'e': case 'n': case 't': break; // filters on symbol state: no effect until symbols load
                    case 'm': wantsPattern = true; break;
                    case 'a': wantsAddress = true; break;
                    default: throw new CommandException($"lm: unknown option '{word}'");
                }
            }
            if (wantsAddress) address = args.ReadExpression();
            if (wantsPattern)
            {
                pattern = args.ReadWord();
                if (pattern.Length == 0) throw new CommandException("lm: m needs a module name pattern");
            }
        }

        var regex = pattern == null ? null : WildcardToRegex(pattern);
        IEnumerable<ModuleInfo> mods = s.Modules.ByBase;
        if (address is ulong a)
        {
            var m = s.Modules.FindByAddress(a);
            mods = m == null ? [] : [m];
        }
        if (regex != null) mods = mods.Where(m => regex.IsMatch(m.Name));
        bool IsKernelAddress(ulong va) => s.PointerSize == 8 ? va >= 0xffff800000000000 : va >= 0x80000000;
        if (kernelOnly) mods = mods.Where(m => IsKernelAddress(m.Base));
        if (userOnly) mods = mods.Where(m => !IsKernelAddress(m.Base));

        var rows = mods.Select(m => new ModuleRow(m.Name, m.Base, m.End, SymbolColumn(s.SymbolTable.Find(m.Name)), m.ImagePath, m.TimeDateStamp, m.CheckSum,
            m.Version?.FileVersion, m.Version?.ProductVersion, m.CodeView?.PdbPath, m.CodeView?.SymbolKey, m.Version)).ToList();

        // Like WinDbg, the unloaded list follows a plain listing, not a filtered one.
        List<UnloadedModuleRow>? unloaded = null;
        if (address == null && pattern == null && s.Target.UnloadedModules.Count > 0)
        {
            unloaded = s.Target.UnloadedModules
                .Where(u => !(kernelOnly && !IsKernelAddress(u.Base)) && !(userOnly && IsKernelAddress(u.Base)))
                .Select(u => new UnloadedModuleRow(FileNameOf(u.ImagePath), u.Base, u.Base + u.Size, u.TimeDateStamp)).ToList();
        }
        return new ModuleListResult(s.PointerSize, verbose, full, namesOnly, rows, unloaded);
    }

    /// <summary>WinDbg's symbol column: "(deferred)", "(pdb symbols)          c:\\path", "(no symbols)".</summary>
    public static string SymbolColumn(ModuleSymbols? module) => module switch
    {
        null or { Status: SymbolStatus.Deferred } => "(deferred)",
        { Status: SymbolStatus.None } => "(no symbols)",
        { Source: { } src } => $"({ModuleSymbolLoader.Describe(src)})".PadRight(23) + src.FilePath,
        _ => "(no symbols)",
    };

    private static string FileNameOf(string path)
    {
        int i = path.LastIndexOfAny(['\\', '/']);
        return i >= 0 ? path[(i + 1)..] : path;
    }

    public static Regex WildcardToRegex(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
