namespace Ntdbg.Commands.Engine;

/// <summary>One executed command: what was typed and its result (or the error it raised).</summary>
public sealed record CommandOutcome(string Command, object? Result, string? Error)
{
    public bool Failed => Error != null;
}
