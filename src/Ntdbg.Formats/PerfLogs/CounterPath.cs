namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// A performance counter path as PDH writes it: <c>\\MACHINE\Object(Parent/Instance#Index)\Counter</c>.
/// Machine and Instance are null when the path has none (<c>\Memory\Pool Paged Bytes</c>).
/// </summary>
public sealed record CounterPath(string? Machine, string Object, string? Instance, string Counter)
{
    /// <summary>The path as PDH prints it (the form CSV headers and logman use).</summary>
    public override string ToString() =>
        (Machine != null ? $"\\\\{Machine}" : "") + $"\\{Object}" + (Instance != null ? $"({Instance})" : "") + $"\\{Counter}";
}
