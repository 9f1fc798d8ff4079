using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>A theory over the PDB corpus that skips visibly without llvm-pdbutil or the shared data.</summary>
public sealed class LlvmPdbTheoryAttribute : TheoryAttribute
{
    public LlvmPdbTheoryAttribute()
    {
        if (TestData.SharedRoot == null) Skip = "../shared/testdata is absent: real-data test skipped";
        else if (!LlvmPdbUtil.Available) Skip = "llvm-pdbutil is not installed: oracle comparison skipped";
    }
}
