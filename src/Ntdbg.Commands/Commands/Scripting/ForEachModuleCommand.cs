using Ntdbg.Commands.Commands.Basic;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Scripting;

/// <summary>
/// !for_each_module "Command": runs a command once per module, replacing @#Base, @#End, @#Size,
/// @#ModuleName, @#ImageName, @#TimeStamp and @#CheckSum with the module's values.
/// </summary>
[Command("!for_each_module", Summary = "Run a command for every module (@#Base, @#End, @#ModuleName...)",
    Usage = "!for_each_module [\"]Command[\"]   e.g. !for_each_module s -a @#Base @#End \"Leak\"")]
public sealed class ForEachModuleCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        string template = context.Arguments.Trim();
        if (template.Length >= 2 && template[0] == '"' && template[^1] == '"' && template.IndexOf('"', 1) == template.Length - 1)
            template = template[1..^1];
        if (template.Length == 0) throw new CommandException("!for_each_module: a command is required");
        var s = context.Session;
        // One level only: nesting would run modules^depth commands.
        if (s.InForEachModule) throw new CommandException("!for_each_module cannot be nested");
        var outcomes = new List<CommandOutcome>();
        s.InForEachModule = true;
        try
        {
            RunForEach(context, template, outcomes);
        }
        finally
        {
            s.InForEachModule = false;
        }
        return new CompositeResult(outcomes);
    }

    private static void RunForEach(CommandContext context, string template, List<CommandOutcome> outcomes)
    {
        foreach (var m in context.Session.Modules.ByBase)
        {
            string cmd = template
                .Replace("@#Base", $"0x{m.Base:x}", StringComparison.OrdinalIgnoreCase)
                .Replace("@#End", $"0x{m.End:x}", StringComparison.OrdinalIgnoreCase)
                .Replace("@#Size", $"0x{m.Size:x}", StringComparison.OrdinalIgnoreCase)
                .Replace("@#ModuleName", m.Name, StringComparison.OrdinalIgnoreCase)
                .Replace("@#ImageName", m.FileName, StringComparison.OrdinalIgnoreCase)
                .Replace("@#LoadedImageName", m.ImagePath, StringComparison.OrdinalIgnoreCase)
                .Replace("@#TimeStamp", $"0x{m.TimeDateStamp:x}", StringComparison.OrdinalIgnoreCase)
                .Replace("@#CheckSum", $"0x{m.CheckSum:x}", StringComparison.OrdinalIgnoreCase);
            // A range "@#Base @#End" is inclusive in WinDbg; searching the last byte of the image is harmless.
            foreach (var o in context.Executor.ExecuteLine(cmd))
                if (o.Result != null || o.Error != null) outcomes.Add(o);
        }
    }
}
