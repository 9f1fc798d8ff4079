namespace Ntdbg.Synth.Kernel.Scenarios;

public sealed partial record SyntheticProcess
{
    /// <summary>How many in-use entries <see cref="HandleTableWriter"/> put in the process's handle table.</summary>
    public uint HandleCount { get; internal set; }
}
