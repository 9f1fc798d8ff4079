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

    public ulong? Find(ulong moduleBase, ulong address)
    {
        if (address < moduleBase || address - moduleBase > uint.MaxValue) return null;
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
        if (table == null) return null;
        var hit = PeRuntimeFunctionTable.Find(table, (uint)(address - moduleBase));
        return hit is { } f ? moduleBase + f.BeginAddress : null;
    }
}
