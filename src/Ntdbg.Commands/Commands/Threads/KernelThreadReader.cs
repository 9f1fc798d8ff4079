using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>
/// Reads kernel threads from full and bitmap dumps with the kernel's own types, so every build's
/// layout works: a process's threads (EPROCESS.ThreadListHead), one _ETHREAD's fields, what a
/// waiting thread waits on (its wait blocks: a NextWaitBlock ring before Windows 8, WaitBlockCount
/// blocks after) and its IRPs.
/// </summary>
public static class KernelThreadReader
{
    public const int MaxThreads = 100_000, MaxWaitBlocks = 64, MaxIrps = 1_000;
    /// <summary>KUSER_SHARED_DATA's fixed kernel address on x64.</summary>
    public const ulong SharedUserData = 0xfffff78000000000;

    // KTHREAD_STATE, as the kernel numbers it.
    private static readonly string[] StateNames = ["Initialized", "Ready", "Running", "Standby", "Terminated", "Waiting", "Transition", "DeferredReady", "GateWaitObsolete", "WaitingForProcessInSwap"];

    // WinDbg's names for dispatcher objects by their _KOBJECTS constant.
    private static readonly Dictionary<string, string> ObjectNames = new()
    {
        ["EventNotificationObject"] = "NotificationEvent",
        ["EventSynchronizationObject"] = "SynchronizationEvent",
        ["MutantObject"] = "Mutant",
        ["ProcessObject"] = "ProcessObject",
        ["QueueObject"] = "QueueObject",
        ["SemaphoreObject"] = "Semaphore",
        ["ThreadObject"] = "ThreadObject",
        ["GateObject"] = "Gate",
        ["TimerNotificationObject"] = "NotificationTimer",
        ["TimerSynchronizationObject"] = "SynchronizationTimer",
    };

    /// <summary>The _ETHREAD addresses on a process's thread list, in list order.</summary>
    public static List<ulong> ThreadsOf(DebugSession s, ulong eprocess, List<string> notes)
    {
        var fields = new KernelFields(s, notes);
        var ep = fields.Type("_EPROCESS");
        var et = fields.Type("_ETHREAD");
        if (ep == null || et == null) return [];
        if (KernelFields.OffsetOf(ep, "ThreadListHead") is not ulong head || KernelFields.OffsetOf(et, "ThreadListEntry") is not ulong entry)
        {
            notes.Add("_EPROCESS.ThreadListHead or _ETHREAD.ThreadListEntry is not in the kernel's symbols: the threads are unknown");
            return [];
        }
        var threads = KernelLists.Walk(s, eprocess + head, entry, MaxThreads, $"the thread list of process {Hex.Pointer(eprocess, s.PointerSize)}", out string? problem);
        if (problem != null) notes.Add(problem);
        return threads;
    }

    public static KernelThread Read(DebugSession s, ulong ethread)
    {
        // One note, not one per field, when the object itself is not in the dump.
        if (!s.Memory.TryReadUInt32(ethread, out uint header, out var missing))
            return Unreadable(ethread, $"the _ETHREAD at {Hex.Pointer(ethread, s.PointerSize)} is not in the dump: {missing?.Detail ?? "unreadable"}");
        var notes = new List<string>();
        if ((header & 0x7f) != ThreadObjectType)
            notes.Add($"the object at {Hex.Pointer(ethread, s.PointerSize)} has dispatcher type 0x{header & 0x7f:x}, not a thread ({ThreadObjectType}): the fields below may be garbage");
        var f = new KernelFields(s, notes);
        var et = f.Type("_ETHREAD");
        var kt = f.Type("_KTHREAD");
        ulong? state = f.Read(kt, ethread, "State");
        ulong? owning = f.Read(kt, ethread, "Process");
        ulong? apcIndex = f.Read(kt, ethread, "ApcStateIndex");
        ulong? attached = apcIndex is > 0 ? f.Read(kt, ethread, "ApcState.Process") : null;
        ulong? waitReason = f.Read(kt, ethread, "WaitReason");
        ulong? win32Start = f.Read(et, ethread, "Win32StartAddress");
        ulong? increment = ClockIncrement(s, f);
        return new KernelThread(ethread,
            f.Read(et, ethread, "Cid.UniqueProcess"), f.Read(et, ethread, "Cid.UniqueThread"),
            f.Read(kt, ethread, "Teb"), f.Read(kt, ethread, "Win32Thread"),
            state, state is ulong st && st < (ulong)StateNames.Length ? StateNames[st] : null,
            waitReason is ulong wr ? EnumName(s, "_KWAIT_REASON", wr) ?? $"0x{wr:x}" : null,
            f.Read(kt, ethread, "WaitMode"), ReadBit(s, kt, ethread, "Alertable", notes),
            kt != null && KernelFields.Has(kt, "NextProcessor") ? f.Read(kt, ethread, "NextProcessor") : null,
            state == KernelThread.Waiting ? WaitObjects(s, f, kt, ethread, notes) : [],
            Irps(s, f, et, ethread, notes),
            ReadBit(s, et, ethread, "ActiveImpersonationInfo", notes),
            owning, owning is ulong o && o != 0 ? ImageOf(f, o) : null,
            attached, attached is ulong a && a != 0 ? ImageOf(f, a) : null,
            f.Read(kt, ethread, "WaitTime"), TickCount(s, f),
            f.Read(kt, ethread, "ContextSwitches"),
            kt != null && KernelFields.Has(kt, "IdealProcessor") ? f.Read(kt, ethread, "IdealProcessor") : null,
            f.Read(kt, ethread, "UserTime"), f.Read(kt, ethread, "KernelTime"), increment,
            f.Read(et, ethread, "StartAddress"), win32Start, win32Start is ulong w && w != 0 ? s.DescribeAddress(w) : null,
            f.Read(kt, ethread, "InitialStack"), f.Read(kt, ethread, "KernelStack"),
            f.Read(kt, ethread, "StackBase"), f.Read(kt, ethread, "StackLimit"),
            Signed(f.Read(kt, ethread, "Priority")), Signed(f.Read(kt, ethread, "BasePriority")),
            kt != null && KernelFields.Has(kt, "PriorityDecrement") ? Signed(f.Read(kt, ethread, "PriorityDecrement")) : null,
            notes.Distinct().ToList());
    }

    private const uint ThreadObjectType = 6;

    /// <summary>A thread whose object cannot be read: every field unknown, with the reason.</summary>
    public static KernelThread Unreadable(ulong ethread, string why) =>
        new(ethread, null, null, null, null, null, null, null, null, null, null, [], [], null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [why]);

    private static long? Signed(ulong? v) => v is ulong x ? (sbyte)(byte)x : null;

    private static string? ImageOf(KernelFields f, ulong eprocess) => f.ReadAnsi(f.Type("_EPROCESS"), eprocess, "ImageFileName");

    /// <summary>A constant's name in one of the kernel's enums (_KWAIT_REASON, _KOBJECTS), when the symbols have it.</summary>
    public static string? EnumName(DebugSession s, string enumName, ulong value) =>
        s.SymbolTable.FindType("nt!" + enumName)?.Type is EnumType e ? e.NameOf((long)value) : null;

    // One bit of a bitfield ("Alertable" in MiscFlags); null with a note when absent or unreadable.
    private static bool? ReadBit(DebugSession s, UdtType? type, ulong address, string name, List<string> notes)
    {
        if (type?.GetField(name) is not { IsBitfield: true } field)
        {
            if (type != null) notes.Add($"{type.Name} has no bit {name}");
            return null;
        }
        if (!s.Memory.TryReadUInt32(address + field.Offset, out uint unit, out var fault))
        {
            notes.Add($"{type.Name}.{name} at {Hex.Pointer(address + field.Offset, s.PointerSize)} is not in the dump: {fault?.Detail ?? "unreadable"}");
            return null;
        }
        return ((unit >> field.BitPosition) & 1) != 0;
    }

    // The clock increment (100 ns units per tick) converts tick counts to times.
    private static ulong? ClockIncrement(DebugSession s, KernelFields f)
    {
        if (!s.SymbolTable.TryResolve("nt!KeMaximumIncrement", out ulong at)) return null;
        return s.Memory.TryReadUInt32(at, out uint v, out _) && v != 0 ? v : null;
    }

    private static ulong? TickCount(DebugSession s, KernelFields f)
    {
        var shared = s.SymbolTable.FindType("nt!_KUSER_SHARED_DATA")?.Type as UdtType;
        if (shared == null || KernelFields.OffsetOf(shared, "TickCountQuad") is not ulong at) return null;
        return s.Memory.TryReadUInt64(SharedUserData + at, out ulong v, out _) ? v : null;
    }

    // Windows 7 rings the blocks through NextWaitBlock; Windows 8 and later keep WaitBlockCount of them in a row.
    private static List<KernelWaitObject> WaitObjects(DebugSession s, KernelFields f, UdtType? kt, ulong ethread, List<string> notes)
    {
        var result = new List<KernelWaitObject>();
        var wb = f.Type("_KWAIT_BLOCK");
        if (kt == null || wb == null || f.Read(kt, ethread, "WaitBlockList") is not ulong first || first == 0) return result;
        var blocks = new List<ulong>();
        if (KernelFields.Has(wb, "NextWaitBlock"))
        {
            for (ulong b = first; blocks.Count < MaxWaitBlocks;)
            {
                blocks.Add(b);
                if (f.Read(wb, b, "NextWaitBlock") is not ulong next || next == first || next == 0) break;
                b = next;
            }
        }
        else
        {
            ulong count = KernelFields.Has(kt, "WaitBlockCount") ? f.Read(kt, ethread, "WaitBlockCount") ?? 0 : 1;
            for (ulong i = 0; i < Math.Min(count, MaxWaitBlocks); i++) blocks.Add(first + i * wb.Size);
        }
        foreach (ulong b in blocks)
            if (f.Read(wb, b, "Object") is ulong obj && obj != 0) result.Add(DescribeObject(s, f, obj));
        return result;
    }

    private static KernelWaitObject DescribeObject(DebugSession s, KernelFields f, ulong obj)
    {
        if (!s.Memory.TryReadUInt32(obj, out uint header, out var fault))
            return new KernelWaitObject(obj, null, $"? (the object is not in the dump: {fault?.Detail ?? "unreadable"})");
        byte type = (byte)(header & 0x7f); // the top bit of Type is a flag on some builds
        string? constant = EnumName(s, "_KOBJECTS", type);
        string kind = constant != null && ObjectNames.TryGetValue(constant, out var n) ? n : constant ?? $"Unknown object type 0x{type:x}";
        string description = kind switch
        {
            "Mutant" => $"Mutant - owning thread {Or(f.Read(f.Type("_KMUTANT"), obj, "OwnerThread"), v => $"{v:x}")}",
            "Semaphore" => $"Semaphore Limit {Or(f.Read(f.Type("_KSEMAPHORE"), obj, "Limit"), v => $"0x{(uint)v:x}")}",
            _ => kind,
        };
        return new KernelWaitObject(obj, kind, description);
    }

    private static string Or(ulong? v, Func<ulong, string> format) => v is ulong x ? format(x) : "?";

    private static List<KernelIrp> Irps(DebugSession s, KernelFields f, UdtType? et, ulong ethread, List<string> notes)
    {
        var irp = f.Type("_IRP");
        if (et == null || irp == null || KernelFields.OffsetOf(et, "IrpList") is not ulong head || KernelFields.OffsetOf(irp, "ThreadListEntry") is not ulong entry)
            return [];
        var list = KernelLists.Walk(s, ethread + head, entry, MaxIrps, $"the IRP list of thread {Hex.Pointer(ethread, s.PointerSize)}", out string? problem);
        if (problem != null) notes.Add(problem);
        var result = new List<KernelIrp>();
        foreach (ulong a in list)
        {
            ulong? location = f.Read(irp, a, "Tail.Overlay.CurrentStackLocation");
            ulong? device = location is ulong l && l != 0 ? f.Read(f.Type("_IO_STACK_LOCATION"), l, "DeviceObject") : null;
            ulong? driver = device is ulong d && d != 0 ? f.Read(f.Type("_DEVICE_OBJECT"), d, "DriverObject") : null;
            result.Add(new KernelIrp(a, f.Read(irp, a, "Type"), f.Read(irp, a, "Size"), f.Read(irp, a, "Flags"), f.Read(irp, a, "MdlAddress"),
                device, driver, driver is ulong dr && dr != 0 ? DriverName(s, f, dr) : null));
        }
        return result;
    }

    private static string? DriverName(DebugSession s, KernelFields f, ulong driver)
    {
        var type = f.Type("_DRIVER_OBJECT");
        if (type == null || KernelFields.OffsetOf(type, "DriverName") is not ulong at) return null;
        ulong? length = f.Read(type, driver, "DriverName.Length"), buffer = f.Read(type, driver, "DriverName.Buffer");
        if (length is not ulong len || buffer is not ulong buf || len == 0 || len > 512) return null;
        var bytes = new byte[len];
        return s.Memory.Read(buf, bytes, out _) == bytes.Length ? System.Text.Encoding.Unicode.GetString(bytes) : null;
    }
}
