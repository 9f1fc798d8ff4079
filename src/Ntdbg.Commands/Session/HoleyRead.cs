using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Session;

/// <summary>
/// Bytes read from a range that may have holes: which bytes are valid, and the first fault, so a
/// display can print "??" for exactly the missing bytes and say why.
/// </summary>
public sealed class HoleyRead
{
    public HoleyRead(ulong address, byte[] data, bool[] valid, MemoryFault? firstFault)
    {
        Address = address;
        Data = data;
        Valid = valid;
        FirstFault = firstFault;
    }

    public ulong Address { get; }
    public byte[] Data { get; }
    public bool[] Valid { get; }
    public MemoryFault? FirstFault { get; }

    public bool AllValid(int offset, int count) =>
        offset + count <= Valid.Length && !Valid.AsSpan(offset, count).Contains(false);

    /// <summary>Reads [address, address+length), skipping to the next page after each hole.</summary>
    public static HoleyRead Read(IVirtualMemory memory, ulong address, int length)
    {
        var data = new byte[length];
        var valid = new bool[length];
        MemoryFault? first = null;
        int pos = 0;
        while (pos < length)
        {
            ulong at = address + (ulong)pos;
            int n = memory.Read(at, data.AsSpan(pos), out var fault);
            for (int i = 0; i < n; i++) valid[pos + i] = true;
            pos += n;
            if (pos >= length) break;
            first ??= fault;
            // Skip the rest of the unreadable page and try the next one.
            ulong failAt = address + (ulong)pos;
            ulong nextPage = (failAt | 0xfff) + 1;
            if (nextPage <= failAt) break; // wrapped around the top of the address space
            ulong skip = nextPage - failAt;
            pos = (int)Math.Min((ulong)length, (ulong)pos + skip);
        }
        return new HoleyRead(address, data, valid, first);
    }
}
