namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// The committed fixture drivers (fixtures/out/drivers/, built by fixtures/drivers.sh): real x64
/// .sys files with their PDBs, found from the repository root above the running assembly.
/// </summary>
public static class FixtureDrivers
{
    /// <summary>
    /// fixtures/out/drivers in the checkout this assembly runs from, or (for builds with
    /// --artifacts-path outside the checkout) the one this source file was compiled in.
    /// </summary>
    public static string Folder
    {
        get
        {
            foreach (string start in new[] { AppContext.BaseDirectory, SourceDirectory() })
                for (var dir = start.Length > 0 ? new DirectoryInfo(start) : null; dir != null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, "ntdbg.slnx")))
                        return Path.Combine(dir.FullName, "fixtures", "out", "drivers");
            throw new DirectoryNotFoundException($"no ntdbg checkout (ntdbg.slnx) above {AppContext.BaseDirectory}: the fixture drivers live in fixtures/out/drivers");
        }
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? "";

    /// <summary>The driver <paramref name="fileName"/> (e.g. "myfault.sys") and its PDB, to be mapped at <paramref name="imageBase"/>.</summary>
    public static SyntheticDriverImage Load(string fileName, ulong imageBase)
    {
        string path = Path.Combine(Folder, fileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"fixture driver {path} is missing (fixtures/drivers.sh builds it)", path);
        string pdb = Path.ChangeExtension(path, ".pdb");
        return new SyntheticDriverImage(fileName, File.ReadAllBytes(path), imageBase, File.Exists(pdb) ? File.ReadAllBytes(pdb) : null);
    }
}
