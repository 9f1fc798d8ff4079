namespace Ntdbg.Commands.Engine;

/// <summary>
/// Declares a debugger command: its name as typed ("lm", "!dh", ".time"), other names it answers
/// to, and its help. Every command is declared this way, so `.help` is always complete.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CommandAttribute(string name) : Attribute
{
    public string Name { get; } = name;
    public string[] Aliases { get; init; } = [];
    /// <summary>One line for `.help`.</summary>
    public string Summary { get; init; } = "";
    /// <summary>The syntax, WinDbg style ("lm [a Address] [m Pattern] [v] [k|u]").</summary>
    public string Usage { get; init; } = "";
    /// <summary>Which targets it applies to.</summary>
    public CommandScope Scope { get; init; } = CommandScope.Any;
}

[Flags]
public enum CommandScope
{
    User = 1,
    Kernel = 2,
    Image = 4,
    Any = User | Kernel | Image,
}
