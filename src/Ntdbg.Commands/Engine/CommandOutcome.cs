namespace Ntdbg.Commands.Engine;

/// <summary>One executed command: what was typed and its result (or the error it raised).</summary>
public sealed record CommandOutcome(string Command, object? Result, string? Error)
{
    public bool Failed => Error != null;

    /// <summary>Lines produced while the command ran (symbol loading under `!sym noisy`), printed before its result.</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];
}
