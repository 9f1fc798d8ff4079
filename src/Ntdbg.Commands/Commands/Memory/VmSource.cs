namespace Ntdbg.Commands.Commands.Memory;

/// <summary>
/// Where a `!vm` counter lives in one kernel layout: a global nt!Symbol of Size bytes, or a field
/// Path of the nt Type stored at nt!Symbol (nt!MiState is a _MI_SYSTEM_INFORMATION,
/// nt!MiSystemPartition a _MI_PARTITION). A source applies when the kernel's symbols have the
/// symbol (and the type the field).
/// </summary>
public sealed record VmSource(string Symbol, string? Type = null, string? Path = null, int Size = 8)
{
    public static VmSource Global(string symbol, int size = 8) => new(symbol, null, null, size);
    public static VmSource State(string path) => new("MiState", "_MI_SYSTEM_INFORMATION", path);
    public static VmSource Partition(string path) => new("MiSystemPartition", "_MI_PARTITION", path);

    public override string ToString() => Path == null ? $"nt!{Symbol}" : $"nt!{Symbol}.{Path}";
}
