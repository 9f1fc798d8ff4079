using Ntdbg.Symbols.Isf;
using Ntdbg.Symbols.Model;
using Ntdbg.Synth.Kernel;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// The synthesizer's own ISF reader (System.Text.Json over the raw table) against ntdbg's, on
/// every build in shared: the offsets the kernel engine needs for processes, threads, modules
/// and pools, and the symbol RVAs. Two readers, one file: a disagreement is a bug in one of them.
/// </summary>
public sealed class IsfLayoutTests
{
    private static readonly (string Type, string Path)[] Fields =
    [
        ("_EPROCESS", "UniqueProcessId"), ("_EPROCESS", "ActiveProcessLinks"), ("_EPROCESS", "ImageFileName"), ("_EPROCESS", "Peb"),
        ("_EPROCESS", "Pcb.DirectoryTableBase"), ("_EPROCESS", "ObjectTable"), ("_EPROCESS", "InheritedFromUniqueProcessId"),
        ("_EPROCESS", "ThreadListHead"), ("_ETHREAD", "Cid"), ("_ETHREAD", "ThreadListEntry"), ("_KTHREAD", "State"),
        ("_KTHREAD", "WaitReason"), ("_KTHREAD", "InitialStack"), ("_KTHREAD", "KernelStack"), ("_KLDR_DATA_TABLE_ENTRY", "DllBase"),
        ("_KLDR_DATA_TABLE_ENTRY", "SizeOfImage"), ("_KLDR_DATA_TABLE_ENTRY", "BaseDllName"), ("_POOL_HEADER", "PoolTag"),
        ("_OBJECT_HEADER", "Body"), ("_KPRCB", "CurrentThread"),
    ];

    public static TheoryData<int> Builds => [.. IsfLayout.BuildGuidPrefix.Keys];

    [SharedDataTheory]
    [MemberData(nameof(Builds))]
    public void OffsetsSizesAndRvasAgreeWithNtdbgsReader(int build)
    {
        string root = TestData.Shared("kernel/isf");
        var layout = IsfLayout.ForBuild(root, build);
        var types = new IsfTypeSystem(IsfSymbolTable.Load(layout.Path));
        int compared = 0;
        foreach (var (type, path) in Fields)
        {
            if (!layout.HasField(type, path)) continue;
            var udt = (UdtType)types.FindType(type)!;
            Assert.Equal(udt.Size, layout.SizeOf(type));
            ulong offset = 0;
            DbgType current = udt;
            foreach (string name in path.Split('.'))
            {
                var field = ((UdtType)current).GetField(name)!;
                offset += field.Offset;
                current = field.Type;
            }
            Assert.Equal(offset, layout.OffsetOf(type, path));
            compared++;
        }
        Assert.True(compared >= 15, $"build {build}: only {compared} fields present");
        var table = IsfSymbolTable.Load(layout.Path);
        foreach (string symbol in new[] { "PsActiveProcessHead", "PsLoadedModuleList", "KdDebuggerDataBlock", "KeBugCheckEx" })
            Assert.Equal((ulong)table.GetSymbol(symbol)!.Rva, layout.Rva(symbol));
    }
}
