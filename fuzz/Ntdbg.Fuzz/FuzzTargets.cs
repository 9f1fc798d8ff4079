using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Errors;
using Ntdbg.Core.Memory;
using Ntdbg.Targets;

namespace Ntdbg.Fuzz;

/// <summary>
/// One entry point per parser. Each opens the input and then uses what it parsed (modules, threads,
/// memory, commands), so lazily-parsed data is exercised too. Expected failures are
/// <see cref="DumpFormatException"/> (bad file) and memory faults (holes); anything else is a bug.
/// </summary>
public static class FuzzTargets
{
    /// <summary>
    /// Each target: how to open a file of its kind, and the parser-specific in-memory toucher that
    /// reaches every decoded structure (null for "any", which relies on format detection). Symbol
    /// files are no target, so their opener is null and only the in-memory pass runs.
    /// </summary>
    public static readonly Dictionary<string, (Func<string, ITarget>? Open, Action<byte[]>? Deep)> Targets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["any"] = (TargetLoader.Open, null),
        ["minidump"] = (path => Ntdbg.Targets.User.UserDumpTarget.Open(path), MinidumpFuzzTarget.Run),
        ["kernel"] = (path => Ntdbg.Targets.Kernel.KernelDumpTarget.Open(path), KernelDumpFuzzTarget.Run),
        ["pe"] = (Ntdbg.Targets.Image.ImageTarget.Open, PeFuzzTarget.Run),
        ["breakpad"] = (null, BreakpadFuzzTarget.Run),
        ["pooltag"] = (null, PoolTagFuzzTarget.Run),
        ["blg"] = (null, BlgFuzzTarget.Run),
        ["perfcsv"] = (null, PerfCsvFuzzTarget.Run),
        ["poolmon"] = (null, PoolMonFuzzTarget.Run),
    };

    /// <summary>Runs one input: the in-memory parser pass, then the file through the target and the commands.</summary>
    public static void RunOne(string target, byte[] input, string path)
    {
        Targets[target].Deep?.Invoke(input);
        Exercise(target, path);
    }

    public static bool IsExpected(Exception e) => e is DumpFormatException or TextFormatException or MemoryFaultException;

    public static void Exercise(string opener, string path)
    {
        if (Targets[opener].Open is not { } open) return;
        ITarget target;
        try
        {
            target = open(path);
        }
        catch (DumpFormatException)
        {
            return;
        }
        using (target)
        {
            _ = target.Warnings.Count;
            _ = target.System;
            _ = target.Times;
            _ = target.Exception;
            foreach (var m in target.Modules) _ = m.Name;
            foreach (var t in target.Threads) _ = t.Context?.InstructionPointer;
            _ = target.UnloadedModules.Count;
            long budget = 64L << 20;
            target.Memory.VisitChunks(0, ulong.MaxValue, (addr, data) => (budget -= data.Length) > 0);
            if (target is Ntdbg.Targets.Image.ImageTarget image) PeFuzzTarget.ReadDirectories(image.Image);
            var session = new DebugSession(target);
            var exec = new CommandExecutor(session);
            string first = target.Modules.Count > 0 ? $"0x{target.Modules[0].Base:x}" : "0";
            foreach (var cmd in new[] { "vertarget", "lm v", "~", ".exr -1", ".ecxr", "r", $"db {first}", $"dps {first} L8", ".time", ".bugcheck", "!irql", "!process -1 7", $"!dh {first}",
                         "!heap -s", "!heap -stat", "!address -summary", "!cs -l", "!locks" })
                _ = exec.Execute(cmd); // errors are results, not exceptions
        }
    }
}
