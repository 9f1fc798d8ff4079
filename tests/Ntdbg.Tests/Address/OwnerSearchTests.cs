using System.Text.RegularExpressions;
using Ntdbg.Commands.Commands.Search;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Address;

/// <summary>
/// The seed's owner search: `s -q 0 L?7fffffffffffffff &lt;heap&gt;` (`s -d` on 32-bit) over the whole address
/// space finds the global holding the leak heap's handle, and `ln` on that hit names the global.
/// </summary>
public sealed class OwnerSearchTests
{
    public static TheoryData<string> Arches => new() { "x64", "x86" };

    [Theory, MemberData(nameof(Arches))]
    public void SearchForTheHeapHandleHitsTheGlobalAndLnNamesIt(string arch)
    {
        using var target = (UserDumpTarget)TargetLoader.Open(FixtureFiles.PrivateDump($"useheap-{arch}"));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        string module = $"useheap_{arch}";
        // g_LeakyBlob.heap: the handle the program stored, read through the symbol (struct Blob { char tag[16]; HANDLE heap; ... }).
        string eval = Run.Text(target, $"? {module}!g_LeakyBlob", session);
        ulong global = Convert.ToUInt64(Regex.Match(eval, @"= ([0-9a-f`]+)").Groups[1].Value.Replace("`", ""), 16);
        ulong field = global + 16;
        var buf = new byte[8];
        Assert.Equal(target.PointerSize, target.Memory.Read(field, buf.AsSpan(0, target.PointerSize), out _));
        ulong handle = BitConverter.ToUInt64(buf);
        Assert.NotEqual(0UL, handle);

        string kind = target.PointerSize == 8 ? "q" : "d";
        var outcome = new CommandExecutor(session).Execute($"s -{kind} 0 L?7fffffffffffffff {handle:x}");
        var result = Assert.IsType<SearchResult>(outcome.Result);
        Assert.Contains(result.Hits, h => h.Address == field);
        // Only memory the dump holds is scanned, not 2^63 bytes.
        Assert.InRange(result.BytesScanned, 1UL, target.MemoryIndex.TotalBytes);

        string ln = Run.Text(target, $"ln {field:x}", session);
        Assert.Contains($"{module}!g_LeakyBlob+0x10", ln);
    }
}
