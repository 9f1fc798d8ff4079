namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// The threads of the basic scenario: three System worker threads and one to three threads in
/// every other process, waiting for different reasons on different objects through different
/// kernel paths, some with IRPs, one ready, and the running thread that bug-checked (in explorer.exe).
/// </summary>
public static class BasicThreads
{
    private static readonly string[] Switch = ["KiSwapContext", "KiSwapThread", "KiCommitThreadWait"];
    private static readonly string[] SystemStart = ["PspSystemThreadStartup", "KiStartSystemThread"];

    private static string[] Chain(params string[] rest) => [.. Switch, .. rest];

    public static void Add(KernelScenario s)
    {
        int n = 0;
        SyntheticThread T(SyntheticProcess p, bool user, string reason, string[] stack, SyntheticThreadState state = SyntheticThreadState.Waiting,
            bool alertable = false, ulong win32Thread = 0, string win32Start = "ExpWorkerThread")
        {
            n++;
            var t = new SyntheticThread
            {
                Tid = p.Pid == 4 ? 4 + 4 * (ulong)n : 0x200 + 4 * (ulong)n,
                State = state,
                WaitReason = reason,
                WaitMode = (byte)(user ? 1 : 0),
                Alertable = alertable,
                Priority = (sbyte)(p.Pid == 4 ? 13 : 8 + n % 3),
                BasePriority = (sbyte)(p.Pid == 4 ? 12 : 8),
                KernelTime = 3 + 7 * (uint)n,
                UserTime = user ? 2 * (uint)n : 0,
                ContextSwitches = 100 + 37 * (uint)n,
                WaitTime = 5000 + 13 * (uint)n,
                Teb = user ? 0x000000e5f7a00000 + 0x2000 * (ulong)n : 0,
                Win32Thread = win32Thread,
                StartSymbol = user ? "PspUserThreadStartup" : "PspSystemThreadStartup",
                Win32StartSymbol = win32Start,
                CreateTime = 0x01d707f23d000000 + 0x10000 * (ulong)n,
                Stack = stack,
            };
            p.Threads.Add(t);
            return t;
        }
        var ps = s.Processes;
        SyntheticProcess P(string image) => ps.First(p => p.ImageName == image); // the first of two csrss.exe (sessions 0 and 1)

        var system = P("System");
        T(system, false, "WrQueue", [.. Chain("KeRemoveQueueEx", "ExpWorkerThread"), .. SystemStart])
            .WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.NotificationEvent));
        var worker = T(system, false, "Executive", [.. Chain("KeWaitForMultipleObjects", "ExpWorkerThread"), .. SystemStart]);
        worker.WaitObjects.AddRange([new(SyntheticWaitKind.NotificationEvent), new(SyntheticWaitKind.SynchronizationTimer)]);
        worker.Irps.Add(new SyntheticIrp(0x884, "Ntfs.sys"));
        T(system, false, "DelayExecution", ["KiSwapContext", "KiSwapThread", "KeDelayExecutionThread", .. SystemStart], alertable: true, win32Start: "PspSystemThreadStartup")
            .WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.NotificationTimer));

        T(P("smss.exe"), true, "UserRequest", Chain("KeWaitForSingleObject", "NtWaitForSingleObject", "KiSystemServiceCopyEnd"))
            .WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.SynchronizationEvent));

        var csrss = P("csrss.exe");
        var csrssWaiter = T(csrss, true, "UserRequest", Chain("KeWaitForMultipleObjects", "NtWaitForMultipleObjects", "KiSystemServiceCopyEnd"), alertable: true);
        var csrssQueue = T(csrss, true, "WrQueue", Chain("KeRemoveQueueEx", "IoRemoveIoCompletion", "NtRemoveIoCompletion", "KiSystemServiceCopyEnd"));
        csrssQueue.WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.NotificationEvent));
        csrssWaiter.WaitObjects.AddRange([new(SyntheticWaitKind.Mutant) { Owner = csrssQueue }, new(SyntheticWaitKind.Semaphore, 0x7fffffff)]);

        T(P("wininit.exe"), true, "DelayExecution", ["KiSwapContext", "KiSwapThread", "KeDelayExecutionThread", "NtDelayExecution", "KiSystemServiceCopyEnd"], alertable: true)
            .WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.NotificationTimer));

        var services = P("services.exe");
        var ioctl = T(services, false, "Executive", Chain("KeWaitForSingleObject", "IopSynchronousServiceTail", "IopXxxControlFile", "NtDeviceIoControlFile", "KiSystemServiceCopyEnd"));
        ioctl.WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.NotificationEvent));
        ioctl.Irps.Add(new SyntheticIrp(0x60000, "Ntfs.sys"));
        T(services, true, "UserRequest", Chain("KeWaitForSingleObject", "NtWaitForSingleObject", "KiSystemServiceCopyEnd"))
            .WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.SynchronizationEvent));

        var lsass = P("lsass.exe");
        T(lsass, true, "WrQueue", Chain("KeRemoveQueueEx", "NtWaitForWorkViaWorkerFactory", "KiSystemServiceCopyEnd"))
            .WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.SynchronizationEvent));
        T(lsass, true, "DelayExecution", ["KiSwapContext", "KiSwapThread", "KeDelayExecutionThread", "NtDelayExecution", "KiSystemServiceCopyEnd"], SyntheticThreadState.Ready);
        var reader = T(lsass, false, "Executive", Chain("KeWaitForSingleObject", "IopSynchronousServiceTail", "NtReadFile", "KiSystemServiceCopyEnd"));
        reader.WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.SynchronizationEvent));
        reader.Irps.AddRange([new SyntheticIrp(0x43, "Ntfs.sys"), new SyntheticIrp(0x60070, "amdppm.sys")]);

        var svchost = P("svchost.exe");
        var svcWaiter = T(svchost, true, "UserRequest", Chain("KeWaitForSingleObject", "NtWaitForSingleObject", "KiSystemServiceCopyEnd"));
        var svcOwner = T(svchost, true, "WrQueue", Chain("KeRemoveQueueEx", "IoRemoveIoCompletion", "NtRemoveIoCompletion", "KiSystemServiceCopyEnd"));
        svcOwner.WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.SynchronizationTimer));
        svcWaiter.WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.Mutant) { Owner = svcOwner });

        var explorer = P("explorer.exe");
        T(explorer, true, "Executive", ["KeBugCheckEx", "IopXxxControlFile", "NtDeviceIoControlFile", "KiSystemServiceCopyEnd"], SyntheticThreadState.Running,
            win32Thread: 0xffffd2c0c4f26c20);
        T(explorer, true, "UserRequest", Chain("KeWaitForMultipleObjects", "NtWaitForMultipleObjects", "KiSystemServiceCopyEnd"), win32Thread: 0xffffd2c0c4f27c20)
            .WaitObjects.AddRange([new(SyntheticWaitKind.SynchronizationEvent), new(SyntheticWaitKind.NotificationEvent), new(SyntheticWaitKind.Semaphore, 1)]);
        T(explorer, true, "WrQueue", Chain("KeRemoveQueueEx", "NtWaitForWorkViaWorkerFactory", "KiSystemServiceCopyEnd"))
            .WaitObjects.Add(new SyntheticWaitObject(SyntheticWaitKind.NotificationEvent));
    }
}
