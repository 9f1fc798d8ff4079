using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Pe;

public sealed partial class PeImage
{
    /// <summary>
    /// The exception directory (.pdata) as a list of function entries: 12-byte RUNTIME_FUNCTIONs
    /// for x64, 8-byte entries for ARM64. Other machines (x86) have none: empty list.
    /// </summary>
    public IReadOnlyList<PeRuntimeFunction> ReadRuntimeFunctions()
    {
        var dir = Directory(PeDataDirectory.Exception);
        var result = new List<PeRuntimeFunction>();
        int entrySize = FileHeader.Machine switch
        {
            PeFileHeader.MachineAmd64 => 12,
            PeFileHeader.MachineArm64 => 8,
            _ => 0,
        };
        if (entrySize == 0 || dir.VirtualAddress == 0 || dir.Size == 0) return result;
        int count = Limits.CheckCount(dir.Size / entrySize, Limits.MaxRuntimeFunctions, "runtime function", Name, dir.VirtualAddress);
        var table = ReadRva(dir.VirtualAddress, count * entrySize, "exception directory (.pdata)");
        result.Capacity = count;
        for (int i = 0; i < count; i++)
        {
            var e = table.Slice(i * entrySize, entrySize);
            result.Add(entrySize == 12
                ? new PeRuntimeFunction(Le.U32(e, 0), Le.U32(e, 4), Le.U32(e, 8))
                : new PeRuntimeFunction(Le.U32(e, 0), null, Le.U32(e, 4)));
        }
        return result;
    }
}
