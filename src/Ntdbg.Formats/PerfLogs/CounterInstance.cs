using System.Globalization;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// The parts of a PDH instance string <c>Parent/Instance#Index</c>: the parent (threads name their
/// process: <c>explorer/12</c>), the name, and the index PDH appends to tell same-named instances
/// apart (<c>svchost#3</c>; none for the first). The parent is the text before the first '/', the
/// index a trailing '#' and digits.
/// </summary>
public sealed record CounterInstance(string? Parent, string Name, int? Index)
{
    public static CounterInstance Parse(string instance)
    {
        string? parent = null;
        string name = instance;
        int slash = name.IndexOf('/');
        if (slash >= 0)
        {
            parent = name[..slash];
            name = name[(slash + 1)..];
        }
        int? index = null;
        int hash = name.LastIndexOf('#');
        if (hash >= 0 && hash < name.Length - 1 && name.AsSpan(hash + 1).IndexOfAnyExceptInRange('0', '9') < 0
            && int.TryParse(name.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int i))
        {
            index = i;
            name = name[..hash];
        }
        return new CounterInstance(parent, name, index);
    }

    public override string ToString() => (Parent != null ? Parent + "/" : "") + Name + (Index is int i ? "#" + i.ToString(CultureInfo.InvariantCulture) : "");
}

/// <summary>Helpers over <see cref="CounterPath"/> that readers and analyses share.</summary>
public static class CounterPathExtensions
{
    /// <summary>The instance split into parent, name and index; null when the path has no instance.</summary>
    public static CounterInstance? InstanceParts(this CounterPath path) => path.Instance is string i ? CounterInstance.Parse(i) : null;

    /// <summary>The path without its machine (<c>\Memory\Pool Paged Bytes</c>), to match counters across machines.</summary>
    public static CounterPath WithoutMachine(this CounterPath path) => path with { Machine = null };

    /// <summary>Same counter ignoring case, as PDH compares names.</summary>
    public static bool SameCounter(this CounterPath a, CounterPath b) =>
        string.Equals(a.Machine, b.Machine, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Object, b.Object, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Instance, b.Instance, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Counter, b.Counter, StringComparison.OrdinalIgnoreCase);
}
