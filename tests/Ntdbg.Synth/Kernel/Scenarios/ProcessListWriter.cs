using System.Text;

namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Writes _EPROCESS objects linked through ActiveProcessLinks into the list at
/// nt!PsActiveProcessHead, each field at the offset the build's ISF table gives, so the same
/// scenario lays out correctly for every Windows version.
/// </summary>
public static class ProcessListWriter
{
    /// <summary>Writes the list; returns each process's _EPROCESS address, in list order.</summary>
    public static IReadOnlyList<ulong> Write(PageTableBuilder pt, IsfLayout layout, ulong headVa, ulong firstObjectVa, IReadOnlyList<SyntheticProcess> processes,
        KernelObjectWriter? objects = null)
    {
        ulong size = layout.SizeOf("_EPROCESS");
        ulong stride = (size + 0xfff) & ~0xfffUL; // one object per page run: simple and never overlapping
        ulong links = layout.OffsetOf("_EPROCESS", "ActiveProcessLinks");
        var addresses = new List<ulong>();
        for (int i = 0; i < processes.Count; i++)
        {
            // With an object writer each _EPROCESS sits in a 'Proc' pool block after its object header.
            if (objects != null)
            {
                addresses.Add(objects.Allocate("Process", size, "Proc"));
                continue;
            }
            ulong va = firstObjectVa + (ulong)i * stride;
            pt.AllocateAndMap(va, (int)(stride / 0x1000));
            addresses.Add(va);
        }
        ListEntryWriter.Link(pt, headVa, [.. addresses.Select(a => a + links)]);
        for (int i = 0; i < processes.Count; i++)
        {
            var p = processes[i];
            ulong va = addresses[i];
            pt.WriteVirtualUInt64(va + layout.OffsetOf("_EPROCESS", "UniqueProcessId"), p.Pid);
            pt.WriteVirtualUInt64(va + layout.OffsetOf("_EPROCESS", "InheritedFromUniqueProcessId"), p.ParentPid);
            pt.WriteVirtualUInt64(va + layout.OffsetOf("_EPROCESS", "Pcb.DirectoryTableBase"), p.DirectoryTableBase);
            var name = new byte[15];
            Encoding.ASCII.GetBytes(p.ImageName, 0, Math.Min(p.ImageName.Length, 14), name, 0);
            pt.WriteVirtual(va + layout.OffsetOf("_EPROCESS", "ImageFileName"), name);
        }
        return addresses;
    }
}
