using Ntdbg.Commands.Engine;
using Ntdbg.Targets;

namespace Ntdbg.Commands.Commands.Kernel;

public sealed record BugcheckResult(uint Code, IReadOnlyList<ulong> Parameters, int PointerSize);

/// <summary>.bugcheck: the stop code and its four parameters.</summary>
[Command(".bugcheck", Summary = "Show the bugcheck code and parameters", Usage = ".bugcheck", Scope = CommandScope.Kernel)]
public sealed class BugcheckCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var k = (IKernelTarget)context.Session.Target;
        return new BugcheckResult(k.Bugcheck.Code, k.Bugcheck.Parameters, context.Session.PointerSize);
    }
}

public sealed class BugcheckText : Rendering.Text.TextRenderer<BugcheckResult>
{
    protected override void Render(BugcheckResult r, TextWriter o)
    {
        o.WriteLine($"Bugcheck code {r.Code:X8}");
        o.WriteLine("Arguments " + string.Join(' ', r.Parameters.Select(p => Core.Memory.Hex.Pointer(p, r.PointerSize))));
    }
}
