namespace Ntdbg.Fuzz;

public sealed record FuzzFinding(int Iteration, string Kind, string Message, byte[] Input);

/// <summary>
/// Mutates seed files and runs a target on each mutant with a time limit; reports crashes (any
/// unexpected exception), hangs and runaway memory.
/// </summary>
public sealed class FuzzRunner(string opener, IReadOnlyList<byte[]> seeds, int randomSeed)
{
    public TimeSpan PerInputLimit { get; init; } = TimeSpan.FromSeconds(2);
    public long MemoryLimitBytes { get; init; } = 200L << 20;

    public List<FuzzFinding> Run(int iterations, string workDir)
    {
        var findings = new List<FuzzFinding>();
        var mutator = new Mutator(randomSeed);
        var rng = new Random(randomSeed);
        Directory.CreateDirectory(workDir);
        string path = Path.Combine(workDir, $"input-{Environment.ProcessId}-{randomSeed}.bin");
        for (int i = 0; i < iterations; i++)
        {
            byte[] input = mutator.Mutate(seeds[rng.Next(seeds.Count)]);
            File.WriteAllBytes(path, input);
            Exception? error = null;
            var task = Task.Run(() =>
            {
                long start = GC.GetAllocatedBytesForCurrentThread();
                FuzzTargets.RunOne(opener, input, path);
                return GC.GetAllocatedBytesForCurrentThread() - start;
            });
            bool finished;
            try
            {
                finished = task.Wait(PerInputLimit);
            }
            catch (AggregateException ae)
            {
                finished = true;
                error = ae.InnerException;
            }
            if (!finished)
            {
                findings.Add(new FuzzFinding(i, "hang", $"no result after {PerInputLimit.TotalSeconds:F0} s", input));
                break; // the stuck task cannot be stopped; report and end the run
            }
            if (error != null && !FuzzTargets.IsExpected(error))
                findings.Add(new FuzzFinding(i, "crash", $"{error.GetType().Name}: {error.Message}\n{error.StackTrace}", input));
            else if (error == null && task.Result > MemoryLimitBytes)
                findings.Add(new FuzzFinding(i, "memory", $"allocated {task.Result >> 20} MiB for one input", input));
        }
        File.Delete(path);
        return findings;
    }
}
