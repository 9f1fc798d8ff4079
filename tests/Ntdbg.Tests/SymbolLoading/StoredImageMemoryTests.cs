using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;
using Ntdbg.Tests.Symbols;

namespace Ntdbg.Tests.SymbolLoading;

/// <summary>
/// The triage dump holds none of amdppm's pages; once `.reload` finds amdppm.sys in the store,
/// its code reads from the image file as the loader maps it (checked against section headers
/// from llvm-readobj and the raw file bytes), and `.reload /u` takes the image away again.
/// </summary>
public sealed class StoredImageMemoryTests
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";

    [SharedDataFact(DumpPath)]
    public void CodeTheDumpLacksComesFromTheStoredImage()
    {
        if (Tools.Find("llvm-readobj") == null) Assert.Fail("llvm-readobj is needed (package llvm)");
        string imageFile = SymbolTestFiles.FindFile("amdppm.sys");
        var sections = Regex.Matches(Tools.Run("llvm-readobj", "--sections", imageFile),
                @"Name: \.text .*?VirtualAddress: 0x([0-9A-F]+).*?PointerToRawData: 0x([0-9A-F]+)", RegexOptions.Singleline);
        var text = Assert.Single(sections);
        uint textVa = Convert.ToUInt32(text.Groups[1].Value, 16), textRaw = Convert.ToUInt32(text.Groups[2].Value, 16);

        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var session = new DebugSession(target, SymbolTestFiles.Store);
        var amdppm = session.SymbolTable.Find("amdppm")!;
        ulong at = amdppm.Module.Base + textVa + 0x100;
        var buffer = new byte[0x40];
        Assert.Equal(0, session.Memory.Read(at, buffer, out var before));
        Assert.NotNull(before);

        Run.Text(target, ".reload /f amdppm", session);
        Assert.Equal(buffer.Length, session.Memory.Read(at, buffer, out var fault));
        Assert.Null(fault);
        var expected = File.ReadAllBytes(imageFile).AsSpan((int)(textRaw + 0x100), buffer.Length).ToArray();
        Assert.Equal(expected, buffer);
        // db shows the same bytes through the command layer.
        string db = Run.Text(target, $"db {at:x} L10", session);
        Assert.Contains(string.Join(" ", expected.Take(8).Select(b => b.ToString("x2"))), db);

        // Unloading takes the image away: the hole is back.
        Run.Text(target, ".reload /u amdppm", session);
        Assert.Equal(0, session.Memory.Read(at, buffer, out _));
    }
}
