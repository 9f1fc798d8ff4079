namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// The processes of the basic scenario in boot order: System and smss without a session;
/// csrss, wininit, services, lsass and svchost in session 0; a second csrss, winlogon and
/// explorer in session 1. Every process but System has its own address space.
/// </summary>
public static class BasicProcesses
{
    public static void AddTo(KernelScenario s)
    {
        (string Name, uint? Session)[] list =
        [
            ("smss.exe", null), ("csrss.exe", 0), ("wininit.exe", 0), ("csrss.exe", 1), ("winlogon.exe", 1),
            ("services.exe", 0), ("lsass.exe", 0), ("svchost.exe", 0), ("explorer.exe", 1),
        ];
        // System's address space is the kernel's own: no user half, no PEB.
        s.Processes.Add(new SyntheticProcess(4, 0, "System", s.Tables.Cr3) { CreateTime = 0x01d707f2_3c000000 });
        for (int i = 0; i < list.Length; i++)
        {
            ulong pid = 0x104 + 4 * (ulong)i;
            s.Processes.Add(UserSpaceWriter.Create(s, i + 1, pid, i == 0 ? 4UL : 0x104UL, list[i].Name, list[i].Session));
        }
    }
}
