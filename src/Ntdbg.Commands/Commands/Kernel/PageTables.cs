using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Commands.Commands.Kernel;

/// <summary>What `!pte` and `!vtop` share: the dump's page tables and the self-map base.</summary>
internal static class PageTables
{
    public static (KernelDumpTarget Target, PageTableAddressSpace Space) Require(DebugSession session, string command)
    {
        if (session.Target is not KernelDumpTarget k)
            throw new CommandException($"{command}: needs a kernel dump");
        if (k.AddressSpace is not { } space)
            throw new CommandException($"{command}: this dump has no page tables to walk ({k.FormatDescription} holds no physical memory, or its processor is not x86/x64)");
        return (k, space);
    }

    /// <summary>
    /// PTE_BASE: the value of nt!MmPteBase when the kernel's symbols have it and the variable is
    /// readable (Windows 10 1607 and later randomize the self-map slot), else what the page tables
    /// and the build say (<see cref="PageWalker.FindSelfMap"/>).
    /// </summary>
    public static SelfMap ResolveSelfMap(DebugSession session, KernelDumpTarget target, PageTableAddressSpace space)
    {
        if (space.Mode.VirtualBits == 48)
        {
            bool resolved;
            ulong address = 0;
            try { resolved = session.TryResolveSymbol("nt!MmPteBase", out address); }
            catch (Exception e) when (e is not OutOfMemoryException) { resolved = false; }
            // The base is a multiple of 512 GiB (one PML4 slot); anything else is not a PTE base.
            if (resolved && target.Memory.TryReadPointer(address, 8, out ulong value, out _) && value != 0 && (value & 0x7F_FFFF_FFFF) == 0)
                return new SelfMap(value, $"nt!MmPteBase at {address:x}");
        }
        return PageWalker.FindSelfMap(space, target.Header.MinorVersion);
    }
}
