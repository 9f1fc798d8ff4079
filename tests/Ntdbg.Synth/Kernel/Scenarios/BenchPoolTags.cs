namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// The pool tags of the benchmarks' machine: <see cref="Count"/> distinct tags over
/// <see cref="Processors"/> processors, so `!poolused` reads tables the size a busy server's
/// are (16,385 slots each, one per processor, plus the expansion table).
/// </summary>
public static class BenchPoolTags
{
    public const int Count = 3000;
    public const uint Processors = 8;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static void AddTo(KernelScenario s)
    {
        s.ProcessorCount = Processors;
        s.PoolTags.Clear();
        for (int i = 0; i < Count; i++)
        {
            string tag = "B" + Alphabet[i / (Alphabet.Length * Alphabet.Length) % Alphabet.Length] + Alphabet[i / Alphabet.Length % Alphabet.Length] + Alphabet[i % Alphabet.Length];
            ulong n = (ulong)i;
            s.PoolTags.Add(new SyntheticPoolTag(tag, 100 + n * 7, 40 + n * 3, 4096 + n * 512, 50 + n, 10 + n / 2, 8192 + n * 256));
        }
    }
}
