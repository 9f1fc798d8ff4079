using System.Reflection;

namespace Ntdbg.Commands.Engine;

public sealed record CommandDescriptor(CommandAttribute Attribute, Type Type)
{
    public IEnumerable<string> Names => [Attribute.Name, .. Attribute.Aliases];
    public ICommand Create() => (ICommand)Activator.CreateInstance(Type)!;
}

/// <summary>
/// Every command declared with <see cref="CommandAttribute"/> in the given assemblies, looked up
/// the way WinDbg splits a command word: "lmvm" is "lm" with options "vm"; "dqs" beats "dq".
/// </summary>
public sealed class CommandRegistry
{
    private readonly Dictionary<string, CommandDescriptor> _byName = new(StringComparer.OrdinalIgnoreCase);

    public CommandRegistry(params Assembly[] assemblies)
    {
        foreach (var asm in assemblies)
            foreach (var t in asm.GetTypes())
            {
                var attr = t.GetCustomAttribute<CommandAttribute>();
                if (attr == null) continue;
                if (!typeof(ICommand).IsAssignableFrom(t) || t.GetConstructor(Type.EmptyTypes) == null)
                    throw new InvalidOperationException($"{t.Name} is declared as a command but is not a constructible ICommand");
                var d = new CommandDescriptor(attr, t);
                foreach (var n in d.Names)
                    if (!_byName.TryAdd(n, d))
                        throw new InvalidOperationException($"command name '{n}' is declared twice ({_byName[n].Type.Name}, {t.Name})");
                Commands.Add(d);
            }
        Commands.Sort((a, b) => string.CompareOrdinal(a.Attribute.Name.TrimStart('.', '!'), b.Attribute.Name.TrimStart('.', '!')));
    }

    public static CommandRegistry Default { get; } = new(typeof(CommandRegistry).Assembly);

    public List<CommandDescriptor> Commands { get; } = [];

    public bool TryGet(string name, out CommandDescriptor descriptor) => _byName.TryGetValue(name, out descriptor!);

    /// <summary>Splits one command into (matched name, arguments), or null when nothing matches.</summary>
    public (CommandDescriptor Command, string Name, string Args)? Match(string command)
    {
        string c = command.TrimStart();
        if (c.Length == 0) return null;
        if (c[0] is '!' or '.')
        {
            int e = 1;
            while (e < c.Length && (char.IsLetterOrDigit(c[e]) || c[e] is '_' or '.')) e++;
            string name = c[..e];
            // ".frame/c" style: options may follow the name without a space.
            return TryGet(name, out var d) ? (d, name, c[e..]) : null;
        }
        if (c.StartsWith("??", StringComparison.Ordinal) && TryGet("??", out var dd)) return (dd, "??", c[2..]);
        if (c[0] is '?' or '~')
        {
            string name = c[..1];
            return TryGet(name, out var d) ? (d, name, c[1..]) : null;
        }
        int end = 0;
        while (end < c.Length && char.IsAsciiLetter(c[end])) end++;
        for (int len = end; len > 0; len--)
        {
            string name = c[..len];
            if (TryGet(name, out var d)) return (d, name, c[len..]);
        }
        return null;
    }
}
