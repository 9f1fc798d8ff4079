using Ntdbg.Commands.Engine;
using Ntdbg.Symbols.Loading;

namespace Ntdbg.Commands.Commands.Reload;

/// <summary>
/// .reload [/f] [/u] [/o] [module]: forget symbols so the next use loads them again (deferred),
/// or with /f load them now and say what was found; /u unloads; /o loads now and downloads
/// again over the cached copies (remembered 404s are asked again).
/// </summary>
[Command(".reload", Summary = "Reload symbols (deferred, or now with /f)", Usage = ".reload [/f] [/u] [/o] [Module]")]
public sealed class ReloadCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        bool force = false, unload = false, refresh = false;
        string? moduleName = null;
        foreach (var word in context.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.StartsWith('/') || word.StartsWith('-'))
            {
                foreach (char c in word[1..].ToLowerInvariant())
                    switch (c)
                    {
                        case 'f': force = true; break;
                        case 'o': force = refresh = true; break;
                        case 'u': unload = true; break;
                        case 'v': case 'n': case 'i': case 'd': case 'l': case 's': break;
                        default: throw new CommandException($".reload: unknown option '{word}'");
                    }
            }
            else if (moduleName == null) moduleName = word.Split('=')[0];
            else throw new CommandException($".reload: unexpected '{word}'");
        }

        var table = context.Session.SymbolTable;
        IReadOnlyList<ModuleSymbols> modules;
        if (moduleName != null)
        {
            var m = table.Find(moduleName) ?? throw new CommandException($"\"{moduleName}\" was not found in the image list.");
            modules = [m];
        }
        else modules = table.Modules;

        var rows = new List<ReloadRow>(modules.Count);
        foreach (var m in modules)
        {
            table.Unload(m);
            if (unload || !force)
            {
                rows.Add(new ReloadRow(m.Name, unload ? "unloaded" : "deferred", null, null));
                continue;
            }
            var options = context.Session.Symbols.Options;
            options.RefreshCache = refresh;
            ModuleSymbolLoad load;
            try
            {
                load = table.Load(m);
            }
            finally
            {
                options.RefreshCache = false;
            }
            rows.Add(load.Source != null
                ? new ReloadRow(m.Name, ModuleSymbolLoader.Describe(load.Source), load.Source.FilePath, null)
                : new ReloadRow(m.Name, "no symbols", null, load.Error));
        }
        return new ReloadResult(force && !unload, unload, rows);
    }
}
