using Ntdbg.Core.Memory;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Commands.Session;

/// <summary>
/// A kernel dump's memory as seen from the implicit process (`.process`, `!session -s`): user
/// addresses translate through that process's page tables (its _KPROCESS.DirectoryTableBase),
/// kernel addresses through the dump's own, which every process shares. With no implicit process
/// set, everything goes to the dump's memory unchanged.
/// </summary>
public sealed class ImplicitProcessMemory(IVirtualMemory inner) : IVirtualMemory
{
    public IVirtualMemory Inner { get; } = inner;
    public string Name => Inner.Name;

    /// <summary>The implicit process's _EPROCESS, 0 when none was set.</summary>
    public ulong Process { get; private set; }

    /// <summary>The implicit process's page tables, null when none was set.</summary>
    public PageTableAddressSpace? UserSpace { get; private set; }

    /// <summary>Makes <paramref name="process"/> the implicit process, its user half read through <paramref name="space"/>.</summary>
    public void Set(ulong process, PageTableAddressSpace space)
    {
        Process = process;
        UserSpace = space;
    }

    /// <summary>Back to the dump's own page tables for every address.</summary>
    public void Clear()
    {
        Process = 0;
        UserSpace = null;
    }

    /// <summary>The end of the user half: 0x800000000000 on x64 (48-bit), 0x80000000 on x86.</summary>
    public static ulong UserEnd(PageTableAddressSpace space) => space.Mode.VirtualBits == 48 ? 0x0000_8000_0000_0000UL : 0x8000_0000UL;

    /// <summary>The tables that translate <paramref name="address"/>: the implicit process's for a user address, else null (the dump's).</summary>
    public PageTableAddressSpace? SpaceFor(ulong address) => UserSpace is { } u && address < UserEnd(u) ? u : null;

    public int Read(ulong address, Span<byte> destination, out MemoryFault? fault)
    {
        if (UserSpace is not { } user || address >= UserEnd(user)) return Inner.Read(address, destination, out fault);
        // A read that runs past the user half stops there, as the address space has a hole after it.
        ulong room = UserEnd(user) - address;
        int n = (int)Math.Min((ulong)destination.Length, room);
        return user.Read(address, destination[..n], out fault);
    }

    public void VisitChunks(ulong start, ulong end, ChunkVisitor visitor)
    {
        if (UserSpace is not { } user)
        {
            Inner.VisitChunks(start, end, visitor);
            return;
        }
        ulong split = UserEnd(user);
        bool stopped = false;
        if (start < split)
            user.VisitChunks(start, end == 0 || end > split ? split : end, (a, d) =>
            {
                if (visitor(a, d)) return true;
                stopped = true;
                return false;
            });
        if (!stopped && (end == 0 || end > split)) Inner.VisitChunks(Math.Max(start, split), end, visitor);
    }
}
