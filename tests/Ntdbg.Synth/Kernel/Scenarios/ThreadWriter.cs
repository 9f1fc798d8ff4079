using System.Text;

namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Writes every scenario process's threads as _ETHREAD objects laid out from the build's ISF
/// table: Cid, owning process, both thread lists, state and wait fields, times, start addresses,
/// a mapped kernel stack whose frames unwind through the functions the kernel image writer put
/// at their ISF RVAs, wait blocks pointing at dispatcher objects, and IRPs on the IrpList.
/// A waiting or ready thread's KernelStack points at an x64 _KSWITCH_FRAME (0x40 bytes: Rbp at
/// +0x30, the return address at +0x38), the way the kernel leaves a switched-out thread.
/// </summary>
public static class ThreadWriter
{
    /// <summary>A region no object is written to (threads are pool blocks of <see cref="KernelScenario.Objects"/>, after the processes); tests use it as an address the dump lacks.</summary>
    public const ulong ThreadObjects = 0xffffc08b40000000;
    public const ulong PoolStart = 0xffffc08b48000000;
    public const ulong KernelStacks = 0xffffd00040000000;
    /// <summary>x64 kernel stacks are 6 pages; a guard gap of 2 pages separates them.</summary>
    public const ulong StackSize = 0x6000, StackStride = 0x8000;
    /// <summary>InitialStack sits below StackBase by the thread's saved floating-point/XSAVE area.</summary>
    public const ulong InitialStackGap = 0x370;
    public const ulong SwitchFrameSize = 0x40;
    /// <summary>nt!KeMaximumIncrement (100 ns units per clock tick: 15.625 ms) and KUSER_SHARED_DATA's tick count at the crash.</summary>
    public const uint ClockIncrement = 156250;
    public const ulong TickCount = 20000;
    public const ulong SharedUserData = 0xfffff78000000000;
    private const ushort IoTypeIrp = 6, IoTypeDevice = 3, IoTypeDriver = 4;
    private const byte IrpMjDeviceControl = 0xe;

    /// <summary>A frame size for a synthetic function (≡ 8 mod 16), varied by name so frames differ.</summary>
    public static uint FrameSizeOf(string symbol) => 0x28 + 0x10 * (uint)(symbol.Sum(c => c) % 12);

    /// <summary>Adds the functions every thread's stack needs to the kernel image; call before the image is written.</summary>
    public static void AddFunctions(KernelScenario s)
    {
        foreach (var t in s.Processes.SelectMany(p => p.Threads))
            for (int i = 0; i < t.Stack.Count; i++)
                s.Image.AddFunction(t.Stack[i], FrameSizeOf(t.Stack[i]), i > 0 ? t.Stack[i - 1] : null);
    }

    // The image writer returns a function already added as it was first added.
    private static SyntheticFunction Function(KernelScenario s, string symbol) => s.Image.AddFunction(symbol, FrameSizeOf(symbol));

    private static ulong SymbolAddress(KernelScenario s, string symbol) => KernelScenario.KernelBase + s.Layout.Rva(symbol);

    /// <summary>Writes all threads; the processes' _EPROCESS objects must already exist. Returns the running thread's _ETHREAD (0 if none).</summary>
    public static ulong Write(KernelScenario s)
    {
        var layout = s.Layout;
        var pool = new SyntheticPool(s.Tables, PoolStart);
        // What converts the threads' tick counts to times.
        ulong increment = KernelScenario.KernelBase + layout.Rva("KeMaximumIncrement");
        s.Tables.EnsureMapped(increment, 1);
        s.Tables.WriteVirtual(increment, BitConverter.GetBytes(ClockIncrement));
        s.Tables.EnsureMapped(SharedUserData, 1);
        s.Tables.WriteVirtualUInt64(SharedUserData + layout.OffsetOf("_KUSER_SHARED_DATA", "TickCountQuad"), TickCount);
        var devices = new Dictionary<string, (ulong Device, ulong Driver)>(StringComparer.OrdinalIgnoreCase);
        int index = 0;
        ulong running = 0;
        // Addresses first: a mutant's owner may be a thread written later.
        foreach (var p in s.Processes)
            foreach (var t in p.Threads)
            {
                // A pool block with the 'Thre' tag and a "Thread" object header, as ObCreateObject makes it.
                t.Address = s.Objects.Allocate("Thread", s.Layout.SizeOf("_ETHREAD"), "Thre");
                t.StackBase = KernelStacks + (ulong)index * StackStride + StackSize;
                index++;
            }
        for (int i = 0; i < s.Processes.Count; i++)
        {
            var p = s.Processes[i];
            ulong process = s.ProcessObjectAddresses[i];
            foreach (var t in p.Threads)
            {
                t.ProcessAddress = process;
                WriteThread(s, pool, devices, p, t);
                if (t.State != SyntheticThreadState.Running) continue;
                running = t.Address;
                // The dump header's CONTEXT is the running (bug-checking) thread's registers.
                s.BugCheckContext ??= KernelDumpBuilder.Amd64Context(rip: t.Rip, rsp: t.Rsp);
            }
            LinkThreads(s, process, p.Threads);
        }
        return running;
    }

    private static ulong Kt(IsfLayout l, string field) => l.OffsetOf("_ETHREAD", "Tcb." + field);

    private static void WriteThread(KernelScenario s, SyntheticPool pool, Dictionary<string, (ulong, ulong)> devices, SyntheticProcess p, SyntheticThread t)
    {
        var l = s.Layout;
        var pt = s.Tables;
        ulong et = t.Address;
        pt.WriteVirtual(et + Kt(l, "Header.Type"), [6]); // ThreadObject
        pt.WriteVirtual(et + Kt(l, "Header.Size"), [(byte)(l.SizeOf("_KTHREAD") / 4)]);
        pt.WriteVirtualUInt64(et + l.OffsetOf("_ETHREAD", "Cid.UniqueProcess"), p.Pid);
        pt.WriteVirtualUInt64(et + l.OffsetOf("_ETHREAD", "Cid.UniqueThread"), t.Tid);
        pt.WriteVirtualUInt64(et + Kt(l, "Process"), t.ProcessAddress);
        pt.WriteVirtualUInt64(et + Kt(l, "ApcState.Process"), t.ProcessAddress);
        pt.WriteVirtual(et + Kt(l, "State"), [(byte)t.State]);
        pt.WriteVirtual(et + Kt(l, "WaitReason"), [(byte)l.EnumValue("_KWAIT_REASON", t.WaitReason)]);
        pt.WriteVirtual(et + Kt(l, "WaitMode"), [t.WaitMode]);
        if (t.Alertable) pt.WriteVirtual(et + Kt(l, "MiscFlags"), BitConverter.GetBytes(1 << l.BitPosition("_KTHREAD", "Alertable")));
        pt.WriteVirtual(et + Kt(l, "Priority"), [(byte)t.Priority]);
        pt.WriteVirtual(et + Kt(l, "BasePriority"), [(byte)t.BasePriority]);
        pt.WriteVirtual(et + Kt(l, "KernelTime"), BitConverter.GetBytes(t.KernelTime));
        pt.WriteVirtual(et + Kt(l, "UserTime"), BitConverter.GetBytes(t.UserTime));
        pt.WriteVirtual(et + Kt(l, "ContextSwitches"), BitConverter.GetBytes(t.ContextSwitches));
        pt.WriteVirtual(et + Kt(l, "WaitTime"), BitConverter.GetBytes(t.WaitTime));
        pt.WriteVirtualUInt64(et + Kt(l, "Teb"), t.Teb);
        pt.WriteVirtualUInt64(et + Kt(l, "Win32Thread"), t.Win32Thread);
        t.StartAddress = SymbolAddress(s, t.StartSymbol);
        t.Win32StartAddress = SymbolAddress(s, t.Win32StartSymbol);
        pt.WriteVirtualUInt64(et + l.OffsetOf("_ETHREAD", "StartAddress"), t.StartAddress);
        pt.WriteVirtualUInt64(et + l.OffsetOf("_ETHREAD", "Win32StartAddress"), t.Win32StartAddress);
        pt.WriteVirtualUInt64(et + l.OffsetOf("_ETHREAD", "CreateTime"), t.CreateTime);
        WriteStack(s, t);
        WriteWaitBlocks(s, pool, t);
        WriteIrps(s, pool, devices, t);
    }

    // The frames from the outermost function (whose return address is 0: the walk ends there)
    // down to the innermost, each at the RSP its function has after its prologue.
    private static void WriteStack(KernelScenario s, SyntheticThread t)
    {
        var l = s.Layout;
        var pt = s.Tables;
        t.StackLimit = t.StackBase - StackSize;
        t.InitialStack = t.StackBase - InitialStackGap;
        pt.AllocateAndMap(t.StackLimit, (int)(StackSize / 0x1000));
        var chain = t.Stack.Select(f => Function(s, f)).ToList();
        ulong callerRsp = (t.InitialStack - 0x100) & ~0xfUL; // the outermost function's caller's RSP at its call
        ulong returnAddress = 0;
        ulong rsp = callerRsp;
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            rsp = callerRsp - 8 - chain[i].FrameSize;
            pt.WriteVirtualUInt64(rsp + chain[i].FrameSize, returnAddress);
            returnAddress = chain[i].ReturnAddress;
            callerRsp = rsp;
        }
        t.Rip = chain.Count > 0 ? chain[0].ReturnAddress : 0;
        t.Rsp = rsp;
        t.KernelStack = rsp - SwitchFrameSize;
        // A running thread's registers are the processor's: its KernelStack is stale and holds no switch frame.
        if (t.State != SyntheticThreadState.Running)
        {
            pt.WriteVirtualUInt64(t.KernelStack + 0x30, callerRsp + 0x100); // saved Rbp: any value inside the stack
            pt.WriteVirtualUInt64(t.KernelStack + 0x38, t.Rip);
        }
        pt.WriteVirtualUInt64(t.Address + Kt(l, "InitialStack"), t.InitialStack);
        pt.WriteVirtualUInt64(t.Address + Kt(l, "StackBase"), t.StackBase);
        pt.WriteVirtualUInt64(t.Address + Kt(l, "StackLimit"), t.StackLimit);
        pt.WriteVirtualUInt64(t.Address + Kt(l, "KernelStack"), t.KernelStack);
    }

    // The wait blocks are the thread's own KTHREAD.WaitBlock array. Windows 8 and later count
    // them in WaitBlockCount; Windows 7 rings them through NextWaitBlock.
    private static void WriteWaitBlocks(KernelScenario s, SyntheticPool pool, SyntheticThread t)
    {
        var l = s.Layout;
        var pt = s.Tables;
        if (t.WaitObjects.Count == 0) return;
        if (t.WaitObjects.Count > 3) throw new ArgumentException("the synthesizer keeps waits to the thread's own wait blocks (3)");
        ulong size = l.SizeOf("_KWAIT_BLOCK");
        ulong first = t.Address + Kt(l, "WaitBlock");
        pt.WriteVirtualUInt64(t.Address + Kt(l, "WaitBlockList"), first);
        bool ring = l.HasField("_KWAIT_BLOCK", "NextWaitBlock");
        if (!ring) pt.WriteVirtual(t.Address + Kt(l, "WaitBlockCount"), [(byte)t.WaitObjects.Count]);
        byte active = (byte)l.EnumValue("_KWAIT_BLOCK_STATE", "WaitBlockActive");
        for (int i = 0; i < t.WaitObjects.Count; i++)
        {
            ulong block = first + (ulong)i * size;
            ulong obj = WriteDispatcherObject(s, pool, t.WaitObjects[i]);
            ulong head = obj + l.OffsetOf("_DISPATCHER_HEADER", "WaitListHead");
            // The object's wait list holds this one block.
            pt.WriteVirtualUInt64(head, block);
            pt.WriteVirtualUInt64(head + 8, block);
            pt.WriteVirtualUInt64(block + l.OffsetOf("_KWAIT_BLOCK", "WaitListEntry"), head);
            pt.WriteVirtualUInt64(block + l.OffsetOf("_KWAIT_BLOCK", "WaitListEntry") + 8, head);
            pt.WriteVirtualUInt64(block + l.OffsetOf("_KWAIT_BLOCK", "Thread"), t.Address);
            pt.WriteVirtualUInt64(block + l.OffsetOf("_KWAIT_BLOCK", "Object"), obj);
            pt.WriteVirtual(block + l.OffsetOf("_KWAIT_BLOCK", "WaitKey"), BitConverter.GetBytes((ushort)i));
            pt.WriteVirtual(block + l.OffsetOf("_KWAIT_BLOCK", "WaitType"), [1]); // WaitAny
            pt.WriteVirtual(block + l.OffsetOf("_KWAIT_BLOCK", "BlockState"), [active]);
            if (ring) pt.WriteVirtualUInt64(block + l.OffsetOf("_KWAIT_BLOCK", "NextWaitBlock"), first + (ulong)((i + 1) % t.WaitObjects.Count) * size);
        }
    }

    private static ulong WriteDispatcherObject(KernelScenario s, SyntheticPool pool, SyntheticWaitObject o)
    {
        var l = s.Layout;
        var pt = s.Tables;
        var (type, typeName) = o.Kind switch
        {
            SyntheticWaitKind.NotificationEvent => ("EventNotificationObject", "_KEVENT"),
            SyntheticWaitKind.SynchronizationEvent => ("EventSynchronizationObject", "_KEVENT"),
            SyntheticWaitKind.Mutant => ("MutantObject", "_KMUTANT"),
            SyntheticWaitKind.Semaphore => ("SemaphoreObject", "_KSEMAPHORE"),
            SyntheticWaitKind.NotificationTimer => ("TimerNotificationObject", "_KTIMER"),
            _ => ("TimerSynchronizationObject", "_KTIMER"),
        };
        ulong size = l.SizeOf(typeName);
        ulong va = pool.Allocate(size);
        o.Address = va;
        pt.WriteVirtual(va + l.OffsetOf("_DISPATCHER_HEADER", "Type"), [(byte)l.EnumValue("_KOBJECTS", type)]);
        pt.WriteVirtual(va + l.OffsetOf("_DISPATCHER_HEADER", "Size"), [(byte)(size / 4)]);
        if (o.Kind == SyntheticWaitKind.Mutant && o.Owner != null) pt.WriteVirtualUInt64(va + l.OffsetOf("_KMUTANT", "OwnerThread"), o.Owner.Address);
        if (o.Kind == SyntheticWaitKind.Semaphore) pt.WriteVirtual(va + l.OffsetOf("_KSEMAPHORE", "Limit"), BitConverter.GetBytes(o.SemaphoreLimit));
        return va;
    }

    // Each IRP has one stack location, right after it, naming a device object of the driver.
    private static void WriteIrps(KernelScenario s, SyntheticPool pool, Dictionary<string, (ulong Device, ulong Driver)> devices, SyntheticThread t)
    {
        var l = s.Layout;
        var pt = s.Tables;
        ulong head = t.Address + l.OffsetOf("_ETHREAD", "IrpList");
        ulong links = l.OffsetOf("_IRP", "ThreadListEntry");
        ulong irpSize = l.SizeOf("_IRP"), locationSize = l.SizeOf("_IO_STACK_LOCATION");
        var addresses = new List<ulong>();
        foreach (var irp in t.Irps)
        {
            ulong va = pool.Allocate(irpSize + locationSize);
            irp.Address = va;
            irp.Size = (ushort)(irpSize + locationSize);
            addresses.Add(va);
            if (!devices.TryGetValue(irp.Driver, out var dev))
                devices[irp.Driver] = dev = WriteDevice(s, pool, irp.Driver);
            irp.DeviceObject = dev.Device;
            irp.DriverObject = dev.Driver;
            pt.WriteVirtual(va + l.OffsetOf("_IRP", "Type"), BitConverter.GetBytes(IoTypeIrp));
            pt.WriteVirtual(va + l.OffsetOf("_IRP", "Size"), BitConverter.GetBytes(irp.Size));
            pt.WriteVirtual(va + l.OffsetOf("_IRP", "Flags"), BitConverter.GetBytes(irp.Flags));
            pt.WriteVirtual(va + l.OffsetOf("_IRP", "StackCount"), [1]);
            pt.WriteVirtual(va + l.OffsetOf("_IRP", "CurrentLocation"), [1]);
            pt.WriteVirtualUInt64(va + l.OffsetOf("_IRP", "Tail.Overlay.Thread"), t.Address);
            pt.WriteVirtualUInt64(va + l.OffsetOf("_IRP", "Tail.Overlay.CurrentStackLocation"), va + irpSize);
            pt.WriteVirtual(va + irpSize + l.OffsetOf("_IO_STACK_LOCATION", "MajorFunction"), [IrpMjDeviceControl]);
            pt.WriteVirtualUInt64(va + irpSize + l.OffsetOf("_IO_STACK_LOCATION", "DeviceObject"), dev.Device);
        }
        ListEntryWriter.Link(pt, head, [.. addresses.Select(a => a + links)]);
    }

    /// <summary>A _DEVICE_OBJECT and its _DRIVER_OBJECT named "\Driver\Name" (or "\FileSystem\Ntfs").</summary>
    private static (ulong Device, ulong Driver) WriteDevice(KernelScenario s, SyntheticPool pool, string driverFile)
    {
        var l = s.Layout;
        var pt = s.Tables;
        ulong device = pool.Allocate(l.SizeOf("_DEVICE_OBJECT"));
        ulong driver = pool.Allocate(l.SizeOf("_DRIVER_OBJECT"));
        string shortName = Path.GetFileNameWithoutExtension(driverFile);
        string name = (shortName.Equals("Ntfs", StringComparison.OrdinalIgnoreCase) ? @"\FileSystem\" : @"\Driver\") + shortName;
        byte[] text = Encoding.Unicode.GetBytes(name);
        ulong buffer = pool.Allocate((ulong)text.Length + 2);
        pt.WriteVirtual(buffer, text);
        pt.WriteVirtual(device + l.OffsetOf("_DEVICE_OBJECT", "Type"), BitConverter.GetBytes(IoTypeDevice));
        pt.WriteVirtual(device + l.OffsetOf("_DEVICE_OBJECT", "Size"), BitConverter.GetBytes((ushort)l.SizeOf("_DEVICE_OBJECT")));
        pt.WriteVirtualUInt64(device + l.OffsetOf("_DEVICE_OBJECT", "DriverObject"), driver);
        pt.WriteVirtual(driver + l.OffsetOf("_DRIVER_OBJECT", "Type"), BitConverter.GetBytes(IoTypeDriver));
        pt.WriteVirtual(driver + l.OffsetOf("_DRIVER_OBJECT", "Size"), BitConverter.GetBytes((ushort)l.SizeOf("_DRIVER_OBJECT")));
        pt.WriteVirtualUInt64(driver + l.OffsetOf("_DRIVER_OBJECT", "DeviceObject"), device);
        ulong nameAt = driver + l.OffsetOf("_DRIVER_OBJECT", "DriverName");
        pt.WriteVirtual(nameAt, BitConverter.GetBytes((ushort)text.Length));
        pt.WriteVirtual(nameAt + 2, BitConverter.GetBytes((ushort)(text.Length + 2)));
        pt.WriteVirtualUInt64(nameAt + 8, buffer);
        if (s.Drivers.FirstOrDefault(d => d.FileName.Equals(driverFile, StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            pt.WriteVirtualUInt64(driver + l.OffsetOf("_DRIVER_OBJECT", "DriverStart"), known.Base);
            pt.WriteVirtual(driver + l.OffsetOf("_DRIVER_OBJECT", "DriverSize"), BitConverter.GetBytes(known.Size));
        }
        return (device, driver);
    }

    // EPROCESS.ThreadListHead links ETHREAD.ThreadListEntry; KPROCESS.ThreadListHead links KTHREAD.ThreadListEntry.
    private static void LinkThreads(KernelScenario s, ulong process, IReadOnlyList<SyntheticThread> threads)
    {
        var l = s.Layout;
        ListEntryWriter.Link(s.Tables, process + l.OffsetOf("_EPROCESS", "ThreadListHead"), threads.Select(t => t.Address + l.OffsetOf("_ETHREAD", "ThreadListEntry")).ToList());
        ListEntryWriter.Link(s.Tables, process + l.OffsetOf("_EPROCESS", "Pcb.ThreadListHead"), threads.Select(t => t.Address + Kt(l, "ThreadListEntry")).ToList());
        s.Tables.WriteVirtual(process + l.OffsetOf("_EPROCESS", "ActiveThreads"), BitConverter.GetBytes((uint)threads.Count));
    }
}
