using System.Text;
using System.Text.RegularExpressions;
using Ntdbg.Core.Memory;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Minidump;

/// <summary>
/// The project's fixture dumps (fixtures/README.md "Facts tests can check"): thread names, exceptions,
/// comments, handles, thread info, unloaded modules, Memory64List contents and holes, CodeView vs the PDB.
/// </summary>
public sealed class FixtureDumpFactsTests
{
    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public void Crash_dump_names_its_threads_and_faults_on_the_main_one(string arch)
    {
        using var t = UserDumpTarget.Open(FixtureFiles.Out($"crash-{arch}.dmp"));
        Assert.Equal(arch == "x64" ? Ntdbg.Targets.Model.Machine.X64 : Ntdbg.Targets.Model.Machine.X86, t.Machine);
        Assert.Equal(["ntdbg-main", "ntdbg-worker-1", "ntdbg-worker-2", "ntdbg-worker-3"], t.Threads.Select(x => x.Name).OrderBy(n => n));
        var x = t.Exception!;
        Assert.Equal((0xC0000005u, 2), (x.Code, x.Parameters.Count));
        Assert.Equal([1UL, 0xBAD0UL], x.Parameters);
        Assert.Equal("ntdbg-main", t.Threads[t.CurrentThreadIndex].Name);
        Assert.Equal(x.Address, x.Context!.InstructionPointer);
        Assert.Equal(arch == "x64" ? 0x140000000UL : 0x400000UL, t.Modules[0].Base);
        Assert.Equal(["ntdll", "kernel32", "kernelbase", "dbghelp", "zlib1", "msvcrt", "ucrtbase"],
            t.Modules.Skip(1).Select(m => m.Name.ToLowerInvariant()));
        Assert.Contains(t.Streams, s => s.Type == 0xFFF0 && s.Status == DumpStreamStatus.Unknown);
    }

    [ToolFact("llvm-pdbutil", needsSharedData: false)]
    public void Exe_CodeView_matches_its_pdb()
    {
        foreach (var arch in new[] { "x64", "x86" })
        {
            using var t = UserDumpTarget.Open(FixtureFiles.Out($"crash-{arch}.dmp"));
            string summary = Tools.Run("llvm-pdbutil", "dump", "-summary", FixtureFiles.Out($"crash-{arch}.pdb"));
            var guid = Guid.Parse(Regex.Match(summary, @"GUID: \{([0-9A-F-]+)\}").Groups[1].Value);
            uint age = uint.Parse(Regex.Match(summary, @"Age: (\d+)").Groups[1].Value);
            var cv = t.Modules[0].CodeView!;
            Assert.Equal(("RSDS", guid, age, $"crash-{arch}.pdb"), (cv.Signature, cv.Guid, cv.Age, cv.PdbPath));
        }
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public void Useheap_comments_exception_and_the_leaked_blocks_in_memory64(string arch)
    {
        using var t = UserDumpTarget.Open(FixtureFiles.PrivateDump($"useheap-{arch}"));
        Assert.Empty(t.Warnings);
        Assert.Equal(["ntdbg fixture useheap: 2000 leaked allocations of 200 bytes in the private heap g_LeakyBlob.heap",
            "ntdbg fixture useheap (UTF-16 comment): look for NTDBG-LEAK-MARKER"], t.Comments);
        Assert.Equal("ntdbg-leaker", t.Threads.Single().Name);
        var x = t.Exception!;
        Assert.Equal((0xC0000017u, 1u), (x.Code, x.Flags));
        Assert.Equal(400000UL, x.Parameters[1]);
        Assert.Contains(t.Streams, s => s.Type == 9 && s.Status == DumpStreamStatus.Decoded);
        Assert.NotEmpty(t.MemoryRegions);

        // Every leaked block is in the dump: count the markers across all chunks (a chunk boundary
        // could split one, so also check the set of numbers found).
        var marker = Encoding.ASCII.GetBytes("NTDBG-LEAK-MARKER #");
        var found = new HashSet<int>();
        t.Memory.VisitChunks(0, ulong.MaxValue, (address, data) =>
        {
            for (int i = data.IndexOf(marker); i >= 0;)
            {
                int at = i + marker.Length;
                if (at + 4 <= data.Length && int.TryParse(Encoding.ASCII.GetString(data.Slice(at, 4)), out int n)) found.Add(n);
                int next = data[(i + 1)..].IndexOf(marker);
                i = next < 0 ? -1 : i + 1 + next;
            }
            return true;
        });
        Assert.Equal(2000, found.Count);
        Assert.Equal(Enumerable.Range(0, 2000), found.Order());

        // System DLL images are not in a private-memory copy: reading ntdll faults instead of giving zeros.
        var ntdll = t.Modules.Single(m => m.Name.Equals("ntdll", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, t.Memory.Read(ntdll.Base, new byte[2], out var fault));
        Assert.Equal((MemoryFaultKind.NotInDump, ntdll.Base), (fault!.Kind, fault.Address));
        // The exe's image is kept: its headers start with MZ.
        var mz = new byte[2];
        Assert.Equal(2, t.Memory.Read(t.Modules[0].Base, mz, out _));
        Assert.Equal("MZ"u8.ToArray(), mz);
    }

    [Theory]
    [InlineData("x64", 21)]
    [InlineData("x86", 19)]
    public void Deadlock_handles_thread_info_and_unloaded_plugin(string arch, int handleCount)
    {
        using var t = UserDumpTarget.Open(FixtureFiles.PrivateDump($"deadlock-{arch}"));
        Assert.Null(t.Exception);
        Assert.Equal(["ntdbg-dumper", "ntdbg-lock-a-then-b", "ntdbg-lock-b-then-a"], t.Threads.Select(x => x.Name).OrderBy(n => n));
        var dumper = t.Threads.Single(x => x.Name == "ntdbg-dumper");
        Assert.Null(dumper.Context);
        Assert.Equal(0x2u, dumper.Times!.DumpFlags);
        Assert.All(t.Threads, x => Assert.Equal(259u, x.Times!.ExitStatus));
        Assert.All(t.Threads.Where(x => x != dumper), x => Assert.NotNull(x.Context));
        Assert.Equal(handleCount, t.Handles.Count);
        Assert.Contains(t.Handles, h => h.TypeName == "Event" && h.ObjectName == @"\Sessions\1\BaseNamedObjects\ntdbg-fixture-event");
        Assert.Contains(t.Handles, h => h.TypeName == "Mutant" && h.ObjectName == @"\Sessions\1\BaseNamedObjects\ntdbg-fixture-mutex");
        Assert.Contains(t.Handles, h => h.TypeName == "File" && h.ObjectName == $@"\??\Z:\tmp\ntdbg-fixtures-work\run\deadlock-{arch}.dmp");
        var plugin = t.UnloadedModules.Single();
        Assert.Equal(($"plugin-{arch}.dll", 0u), (plugin.ImagePath, plugin.CheckSum));
        Assert.NotEmpty(t.MemoryRegions);
    }
}
