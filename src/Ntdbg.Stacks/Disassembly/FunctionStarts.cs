using Ntdbg.Core.Errors;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;

namespace Ntdbg.Stacks.Disassembly;

/// <summary>
/// Where the function (or function chunk) holding an address begins, from the x64 image's
/// `.pdata` as it is mapped in memory (the dump, or the image the symbol store supplied). Read
/// once per module. Null for x86 images, leaf code without unwind data, or unreadable tables.
/// </summary>
public sealed class FunctionStarts(IVirtualMemory memory)
{
    private readonly Dictionary<ulong, IReadOnlyList<PeRuntimeFunction>?> _tables = [];

    public ulong? Find(ulong moduleBase, ulong address) =>
        FindEntry(moduleBase, address) is { } f ? moduleBase + f.BeginAddress : null;

    /// <summary>True when the module's .pdata could be read (so an address without an entry is leaf code).</summary>
    public bool HasTable(ulong moduleBase) => Table(moduleBase) != null;

    /// <summary>The .pdata entry covering the address, or null.</summary>
    public PeRuntimeFunction? FindEntry(ulong moduleBase, ulong address)
    {
        if (address < moduleBase || address - moduleBase > uint.MaxValue) return null;
        var table = Table(moduleBase);
        return table == null ? null : PeRuntimeFunctionTable.Find(table, (uint)(address - moduleBase));
    }

    private IReadOnlyList<PeRuntimeFunction>? Table(ulong moduleBase)
    {
        if (!_tables.TryGetValue(moduleBase, out var table))
        {
            try
            {
                table = PeImage.FromMemory(memory, moduleBase).ReadRuntimeFunctions();
            }
            catch (Exception e) when (e is MemoryFaultException or DumpFormatException)
            {
                table = null;
            }
            _tables[moduleBase] = table;
        }
        return table;
    }
}
