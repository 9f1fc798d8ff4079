using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Processes;

/// <summary>The result of `.process`: the implicit process now in effect and what the options did.</summary>
public sealed record ImplicitProcessResult(int PointerSize, ulong Process, ulong? DirectoryTableBase, bool Changed, bool DecodeUser,
    bool ReloadUser, IReadOnlyList<UserModule> UserModules, IReadOnlyList<string> Notes);

/// <summary>
/// .process [/p] [/r] [EProcess]: sets the implicit process, whose page tables translate user
/// addresses from then on (kernel addresses are the same in every process); 0 goes back to the
/// default process; no address shows the implicit process. /p is accepted for WinDbg's sake (a
/// dump always decodes user addresses through the process's tables); /r lists the process's user
/// modules from its PEB's loader list.
/// </summary>
[Command(".process", Summary = "Set or show the implicit process (user addresses translate through its page tables)", Usage = ".process [/p] [/r] [EProcess|0]", Scope = CommandScope.Kernel)]
public sealed class ImplicitProcessCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        if (!s.IsKernel) throw new CommandException(".process: needs a kernel dump");
        bool decodeUser = false, reload = false;
        while (context.Args.TryOption() is { } option)
        {
            foreach (char c in option)
            {
                switch (char.ToLowerInvariant(c))
                {
                    case 'p': decodeUser = true; break;
                    case 'r': reload = true; break;
                    case 'i': throw new CommandException(".process: /i (invasive switch) needs a live target: this is a dump");
                    default: throw new CommandException($".process: unknown option /{c} (usage: .process [/p] [/r] [EProcess])");
                }
            }
        }
        ulong? asked = context.Args.TryReadExpression();
        if (!context.Args.AtEnd) throw new CommandException($".process: unexpected '{context.Args.Rest}'");
        var notes = new List<string>();
        if (asked == 0) KernelProcessList.ClearImplicit(s);
        else if (asked is ulong process) KernelProcessList.MakeImplicit(s, process, ".process");
        ulong current = KernelProcessList.CurrentProcess(s, notes);
        if (current == 0) notes.Add("no implicit process: the dump names no current process and none on the list uses the header's page tables");
        var entry = current != 0 ? KernelProcessList.Describe(s, current, notes) : null;
        var modules = new List<UserModule>();
        if (reload && current != 0)
        {
            ulong peb = new KernelFields(s, notes).Read(new KernelFields(s, notes).Type("_EPROCESS"), current, "Peb") ?? 0;
            modules = UserModuleList.Read(s, peb, notes);
        }
        return new ImplicitProcessResult(s.PointerSize, current, entry?.DirectoryTableBase, asked != null, decodeUser, reload, modules, notes.Distinct().ToList());
    }
}
