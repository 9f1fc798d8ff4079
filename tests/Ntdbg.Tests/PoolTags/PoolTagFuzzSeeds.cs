using System.Text;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.PoolTags;

/// <summary>Seeds for the pooltag fuzz target: an inline sample with wildcards, plus the head and tail of each real copy.</summary>
public static class PoolTagFuzzSeeds
{
    private const string Sample = "rem x\n\nOb*  - nt!ob - all\nObD? - nt!ob - dirs\nNtf  - ntfs.sys - short\nATmp - only description\nDup1 - a.sys - one\nDup1 - b.sys - two\n\u001a\n";

    public static List<byte[]> All()
    {
        var seeds = new List<byte[]> { Encoding.Latin1.GetBytes(Sample) };
        if (TestData.SharedRoot == null) return seeds;
        foreach (var f in new[] { PoolTagFileTests.Current, PoolTagFileTests.Old })
        {
            string path = TestData.Shared(f);
            if (!File.Exists(path)) continue;
            var lines = File.ReadAllLines(path);
            seeds.Add(Encoding.Latin1.GetBytes(string.Join('\n', lines.Take(200).Concat(lines.Skip(Math.Max(200, lines.Length - 200))))));
        }
        return seeds;
    }
}
