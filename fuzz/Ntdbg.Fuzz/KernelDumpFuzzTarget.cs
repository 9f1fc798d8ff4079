using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Fuzz;

/// <summary>
/// Fuzz target for kernel dumps: opens the input as a kernel dump and touches everything a session
/// would (modules, registers, memory walks). Only <see cref="DumpFormatException"/> may escape.
/// </summary>
public static class KernelDumpFuzzTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            using var target = KernelDumpTarget.Open(MappedFile.FromBytes("fuzz.dmp", input));
            _ = target.Modules.Count + target.UnloadedModules.Count + target.Warnings.Count;
            _ = target.Threads[0].Context?.InstructionPointer;
            _ = target.System?.BuildLab;
            var buffer = new byte[256];
            foreach (var m in target.Modules.Take(16)) target.Memory.Read(m.Base, buffer, out _);
            int chunks = 0;
            target.Memory.VisitChunks(0, ulong.MaxValue, (_, _) => ++chunks < 4096);
            chunks = 0;
            target.PhysicalMemory.VisitChunks(0, ulong.MaxValue, (_, _) => ++chunks < 4096);
        }
        catch (DumpFormatException)
        {
            // Malformed input, reported in one line: the expected outcome.
        }
    }
}
