using Ntdbg.Core.IO;
using Ntdbg.Formats.Pdb;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// Old and new FPO records of every real PDB compared with `llvm-pdbutil dump -fpo` (all columns
/// but the old records' two flags, see below).
/// </summary>
public class PdbFpoTests
{
    public static TheoryData<string> Corpus() => PdbCorpus.Theory();

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void FpoMatchesLlvm(string pdb)
    {
        using var file = MappedFile.Open(pdb);
        var p = PdbFile.Open(file);
        var text = Tools.Run(LlvmPdbUtil.Tool, "dump", "-fpo", pdb);
        int split = text.IndexOf("New FPO Data", StringComparison.Ordinal);
        var oldRows = Rows(split >= 0 ? text[..split] : text);
        var newRows = split >= 0 ? Rows(text[split..]) : [];

        Assert.Equal(oldRows.Count, p.Fpo.Count);
        for (int i = 0; i < oldRows.Count; i++)
        {
            var c = oldRows[i];
            var f = p.Fpo[i];
            Assert.Equal(Convert.ToUInt32(c[0], 16), f.Start);
            Assert.Equal((uint.Parse(c[1]), uint.Parse(c[2]), ushort.Parse(c[3]), int.Parse(c[4]), int.Parse(c[5])),
                (f.Size, f.LocalDwords, f.ParamDwords, f.PrologBytes, f.SavedRegisters));
            // Not compared: "Use BP" and "Has SEH". llvm-pdbutil reads them from bits 10 and 9,
            // which winnt.h's FPO_DATA gives to cbRegs; we follow winnt.h (fHasSEH bit 11, fUseBP bit 12).
            Assert.Equal(c[8], f.FrameType switch { 0 => "FPO", 1 => "Trap", 2 => "TSS", _ => "Non-FPO" });
        }

        Assert.Equal(newRows.Count, p.FrameData.Count);
        for (int i = 0; i < newRows.Count; i++)
        {
            var c = newRows[i];
            var f = p.FrameData[i];
            Assert.Equal(Convert.ToUInt32(c[0], 16), f.RvaStart);
            Assert.Equal((uint.Parse(c[1]), uint.Parse(c[2]), uint.Parse(c[3]), uint.Parse(c[4]), ushort.Parse(c[5]), ushort.Parse(c[6])),
                (f.CodeSize, f.LocalSize, f.ParamsSize, f.MaxStackSize, f.PrologSize, f.SavedRegsSize));
            Assert.Equal((bool.Parse(c[7]), bool.Parse(c[8]), bool.Parse(c[9])),
                (f.HasStructuredExceptionHandling, f.HasCppExceptionHandling, f.IsFunctionStart));
            Assert.Equal(c[10], (f.Program ?? "").Trim());
        }
    }

    /// <summary>Table rows (lines starting with an 8-digit hex RVA), split on '|' and trimmed.</summary>
    private static List<string[]> Rows(string text) =>
        text.Split('\n')
            .Where(l => l.Length > 9 && l[8] == ' ' && l[..8].All(Uri.IsHexDigit))
            .Select(l => l.Split('|').Select(x => x.Trim()).ToArray())
            .ToList();
}
