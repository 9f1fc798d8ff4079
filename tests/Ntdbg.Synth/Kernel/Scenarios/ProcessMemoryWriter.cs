namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>Everything about processes and memory a scenario writes after the process list: object types, process fields, sessions, user halves, page variety.</summary>
public static class ProcessMemoryWriter
{
    public static void Write(KernelScenario s)
    {
        s.Objects.WriteTypeTable();
        ProcessDetailsWriter.Write(s);
        UserSpaceWriter.Write(s);
        if (s.PageVariety) PageVarietyWriter.Write(s);
    }
}
