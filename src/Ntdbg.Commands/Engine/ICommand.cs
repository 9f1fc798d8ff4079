namespace Ntdbg.Commands.Engine;

/// <summary>
/// A command runs against the session and returns a typed result (never prints); renderers turn
/// the result into WinDbg-style text or JSON.
/// </summary>
public interface ICommand
{
    object? Execute(CommandContext context);
}
