using Ntdbg.Synth.Kernel.Scenarios;

namespace Ntdbg.SynthCli;

/// <summary>`--drivers &lt;dir&gt;`: the scenario's real driver files (and their PDBs) written to a folder, for `ntdbg pool findtag --dir` and symbol paths.</summary>
public static class DriverFiles
{
    public static void Write(KernelScenario machine, string folder, TextWriter output)
    {
        Directory.CreateDirectory(folder);
        foreach (var image in machine.DriverImages)
        {
            File.WriteAllBytes(Path.Combine(folder, image.FileName), image.Bytes);
            if (image.Pdb != null) File.WriteAllBytes(Path.Combine(folder, Path.ChangeExtension(image.FileName, ".pdb")), image.Pdb);
        }
        output.WriteLine($"{folder}: {machine.DriverImages.Count} driver file(s){(machine.DriverImages.Count == 0 ? " (the scenario loads none)" : "")}");
    }
}
