using Ntdbg.Targets.User;

namespace Ntdbg.Tests.Minidump;

/// <summary>Touches everything a debugger session would read from a user dump.</summary>
internal static class DumpExercise
{
    public static void Everything(UserDumpTarget t)
    {
        _ = (t.Machine, t.PointerSize, t.System, t.Times, t.ProcessId, t.FormatDescription, t.CurrentThreadIndex);
        foreach (var m in t.Modules) _ = (m.Name, m.CodeView?.SymbolKey, m.Version?.FileVersion);
        foreach (var th in t.Threads)
        {
            _ = th.Context?.InstructionPointer;
            ReadAll(t, th.StackStart, th.StackSize);
        }
        _ = t.Exception?.Context?.StackPointer;
        foreach (var r in t.MemoryIndex.Ranges) ReadAll(t, r.Start, r.Size);
        long seen = 0;
        t.Memory.VisitChunks(0, ulong.MaxValue, (_, d) => { seen += d.Length; return true; });
        _ = (t.Handles.Count, t.MemoryRegions.Count, t.UnloadedModules.Count, t.Comments.Count, t.Streams.Count, t.Warnings.Count);
    }

    private static void ReadAll(UserDumpTarget t, ulong start, ulong size)
    {
        var buf = new byte[(int)Math.Min(size, 1 << 20)];
        t.Memory.Read(start, buf, out _);
    }
}
