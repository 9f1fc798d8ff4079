using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>Every real PDB the acceptance tests walk: shared test data and the repository fixtures.</summary>
public static class PdbCorpus
{
    public static IReadOnlyList<string> All()
    {
        var files = new List<string>();
        if (TestData.SharedRoot is string shared)
        {
            files.AddRange(Directory.GetFiles(Path.Combine(shared, "pdb"), "*.pdb").OrderBy(f => f, StringComparer.Ordinal));
            foreach (var rel in new[] { "user/sentry/crash.pdb", "user/lldb/sigsegv.pdb",
                         "kernel/symstore/amdppm.pdb/1C19FDDB27BB3399D9B45973EFEAFCF31/amdppm.pdb" })
            {
                var p = Path.Combine(shared, rel);
                if (File.Exists(p)) files.Add(p);
            }
        }
        var fixtures = TestData.Repo(Path.Combine("fixtures", "out"));
        if (Directory.Exists(fixtures)) files.AddRange(Directory.GetFiles(fixtures, "*.pdb").OrderBy(f => f, StringComparer.Ordinal));
        return files;
    }

    /// <summary>The corpus as theory data (file paths relative to nothing; names shown in test output).</summary>
    public static TheoryData<string> Theory()
    {
        var data = new TheoryData<string>();
        foreach (var f in All()) data.Add(f);
        return data;
    }
}
