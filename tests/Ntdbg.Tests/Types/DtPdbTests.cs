using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Types;

/// <summary>`dt`, `??` and `x` over a PDB's types: the useheap fixture's global, whose values the C source fixes.</summary>
public sealed class DtPdbTests
{
    private static int Define(string name) =>
        int.Parse(Regex.Match(File.ReadAllText(TestData.Repo("fixtures/src/useheap.c")), $@"#define {name} (\d+)").Groups[1].Value);

    [Fact]
    public void GlobalBlobHoldsWhatTheProgramStored()
    {
        using var target = TargetLoader.Open(FixtureFiles.PrivateDump("useheap-x64"));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        string dt = Run.Text(target, "dt useheap_x64!g_LeakyBlob", session);
        Assert.Contains("+0x000 tag              : [16]  \"NTDBG-BLOB\"", dt);
        Assert.Contains($"allocations      : 0x{Define("LEAK_COUNT"):x}", dt);
        Assert.Contains($"bytes_each       : 0x{Define("LEAK_SIZE"):x}", dt);
        Assert.Equal($"unsigned int 0x{Define("LEAK_COUNT"):x}", Run.Text(target, "?? useheap_x64!g_LeakyBlob.allocations", session).TrimEnd());
        // The layout alone comes from the TPI: the struct's header line and Ptr64 members.
        string layout = Run.Text(target, "dt useheap_x64!Blob", session);
        Assert.StartsWith("useheap_x64!Blob", layout);
        Assert.Contains("+0x010 heap             : Ptr64 Void", layout);
        Assert.Contains("useheap_x64!g_LeakyBlob = struct Blob", Run.Text(target, "x useheap_x64!g_LeakyBlob", session));
    }
}
