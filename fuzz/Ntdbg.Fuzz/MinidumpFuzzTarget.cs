using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Targets.User;

namespace Ntdbg.Fuzz;

/// <summary>
/// Fuzz target for user minidumps, in memory: opens the input and touches every decoded stream, the
/// contexts and the memory index. Only <see cref="DumpFormatException"/> may escape.
/// </summary>
public static class MinidumpFuzzTarget
{
    public static void Run(byte[] input)
    {
        try
        {
            using var target = UserDumpTarget.Open(MappedFile.FromBytes("fuzz.dmp", input));
            _ = target.Modules.Count + target.UnloadedModules.Count + target.Handles.Count + target.MemoryRegions.Count
                + target.Comments.Count + target.Streams.Count + target.Warnings.Count;
            foreach (var t in target.Threads) _ = (t.Name, t.Context?.InstructionPointer, t.Times?.StartAddress);
            _ = (target.Exception?.Inner, target.Exception?.Context?.StackPointer, target.System?.BuildLab, target.Times.ProcessUpTime);
            var buffer = new byte[256];
            foreach (var m in target.Modules.Take(16)) target.Memory.Read(m.Base, buffer, out _);
            foreach (var r in target.MemoryIndex.Ranges.Take(64)) target.Memory.Read(r.Start, buffer, out _);
            int chunks = 0;
            target.Memory.VisitChunks(0, ulong.MaxValue, (_, _) => ++chunks < 4096);
        }
        catch (DumpFormatException)
        {
            // Malformed input, reported in one line: the expected outcome.
        }
    }
}
