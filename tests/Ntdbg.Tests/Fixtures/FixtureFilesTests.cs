using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Ntdbg.Tests.Support;
using static Ntdbg.Tests.Fixtures.FixtureStreamType;

namespace Ntdbg.Tests.Fixtures;

/// <summary>
/// Checks the fixture files under fixtures/ (see fixtures/README.md): that each dump is a valid
/// MDMP whose directory lists the streams its program asked for, that the facts the README
/// promises hold, that winedump parses each dump, and that every PDB matches its image.
/// </summary>
public sealed class FixtureFilesTests
{
    public static readonly TheoryData<string> Arches = new() { "x64", "x86" };

    private static string Out(string file) => FixtureFiles.Out(file);

    // MINIDUMP_TYPE flags the programs request.
    private const ulong FullMemory = 0x2, HandleDataFlag = 0x4, UnloadedModules = 0x20, PrivateReadWriteMemory = 0x200,
        FullMemoryInfo = 0x800, ThreadInfo = 0x1000;
    private const ulong DeadlockExtras = HandleDataFlag | UnloadedModules | ThreadInfo | FullMemoryInfo;

    private static FixtureDump OpenValid(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing: run fixtures/generate.sh");
        var dump = new FixtureDump(path);
        Assert.Equal(FixtureDump.MdmpSignature, dump.Signature);
        Assert.Equal(FixtureDump.MdmpVersion, (ushort)dump.Version);
        foreach (var (type, size, rva) in dump.Directory.Where(d => d.Type != 0))
            Assert.True((long)rva + size <= dump.Length, $"stream {type} ends past the end of {path}");
        return dump;
    }

    private static void AssertStreams(FixtureDump dump, params uint[] expected)
    {
        var present = dump.StreamTypes.ToList();
        foreach (var type in expected)
            Assert.True(present.Contains(type), $"{dump.Path}: stream {type} missing; has {string.Join(",", present)}");
        Assert.Equal(present.Count, present.Distinct().Count());
    }

    // ------------------------------------------------------------------ crash (committed)

    [Theory, MemberData(nameof(Arches))]
    public void CrashDump_IsSmallMiniDumpNormalWithRequestedStreams(string arch)
    {
        using var dump = OpenValid(Out($"crash-{arch}.dmp"));
        Assert.Equal(0ul, dump.Flags); // MiniDumpNormal
        AssertStreams(dump, SystemInfo, ThreadList, ModuleList, MemoryList, MiscInfo, ExceptionInfo, ThreadNames);
        Assert.DoesNotContain(Memory64List, dump.StreamTypes);
        Assert.True(dump.Length < 1 << 20, $"crash-{arch}.dmp is {dump.Length} bytes, over 1 MB");
    }

    [Theory, MemberData(nameof(Arches))]
    public void CrashDump_HasTheNamedThreadsAndTheAccessViolation(string arch)
    {
        using var dump = OpenValid(Out($"crash-{arch}.dmp"));
        var ids = dump.ThreadIds();
        Assert.Equal(4, ids.Count);
        var names = dump.ThreadNames();
        Assert.Equal(["ntdbg-main", "ntdbg-worker-1", "ntdbg-worker-2", "ntdbg-worker-3"], names.Values.Order());
        Assert.All(names.Keys, id => Assert.Contains(id, ids));

        var (threadId, code, address, parameters) = dump.Exception();
        Assert.Equal(0xC0000005u, code);
        Assert.Equal("ntdbg-main", names[threadId]);
        Assert.Equal([1ul, 0xBAD0ul], parameters); // a write to 0xBAD0
        var exe = dump.Module(0);
        Assert.EndsWith($"crash-{arch}.exe", exe.Name);
        Assert.InRange(address, exe.Base, exe.Base + exe.Size - 1);
    }

    [FixtureToolTheory("llvm-symbolizer"), MemberData(nameof(Arches))]
    public void CrashDump_FaultsInCrashStageFourWrite(string arch)
    {
        using var dump = OpenValid(Out($"crash-{arch}.dmp"));
        var output = Tools.Run("llvm-symbolizer", $"--obj={Out($"crash-{arch}.exe")}", $"0x{dump.Exception().Address:x}");
        Assert.Equal("crash_stage_four_write", output.Split('\n')[0].Trim());
    }

    // ------------------------------------------------------------------ useheap / deadlock

    // The full-memory dumps (regenerated, out-large/) and their committed private-memory copies
    // (out/*-private.dmp.gz) must both show the scenario; only the flags and the amount of memory differ.

    [LargeFixtureTheory, MemberData(nameof(Arches))]
    public void UseheapDump_IsFullMemoryWithCommentsAndTheLeak(string arch)
    {
        Assert.Null(LargeFixtures.Ensure());
        using var dump = OpenValid(LargeFixtures.PathOf($"useheap-{arch}"));
        Assert.Equal(FullMemory | FullMemoryInfo, dump.Flags);
        AssertUseheapScenario(dump);
    }

    [Theory, MemberData(nameof(Arches))]
    public void UseheapPrivateCopy_HasCommentsAndTheLeak(string arch)
    {
        using var dump = OpenValid(FixtureFiles.PrivateDump($"useheap-{arch}"));
        Assert.Equal(PrivateReadWriteMemory | FullMemoryInfo, dump.Flags);
        AssertUseheapScenario(dump);
    }

    private static void AssertUseheapScenario(FixtureDump dump)
    {
        AssertStreams(dump, SystemInfo, ThreadList, ModuleList, MiscInfo, ExceptionInfo, CommentA, CommentW, ThreadNames,
                      MemoryInfoList, Memory64List);
        Assert.StartsWith("ntdbg fixture useheap: 2000 leaked allocations", Encoding.ASCII.GetString(dump.Stream(CommentA)));
        Assert.StartsWith("ntdbg fixture useheap (UTF-16 comment)", Encoding.Unicode.GetString(dump.Stream(CommentW)));
        Assert.Equal(["ntdbg-leaker"], dump.ThreadNames().Values);
        var (_, code, _, parameters) = dump.Exception();
        Assert.Equal(0xC0000017u, code);
        Assert.Equal(2000ul * 200, parameters[1]);
        Assert.Equal(2000, DistinctLeakMarkers(dump));
        AssertMemoryInfoList(dump);
    }

    /// <summary>Counts the distinct "NTDBG-LEAK-MARKER #nnnn" texts in the dump's memory data.</summary>
    private static int DistinctLeakMarkers(FixtureDump dump)
    {
        var m64 = dump.Stream(Memory64List);
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(m64);
        long dataRva = (long)BinaryPrimitives.ReadUInt64LittleEndian(m64.AsSpan(8));
        long total = 0;
        for (int i = 0; i < (int)count; i++) total += (long)BinaryPrimitives.ReadUInt64LittleEndian(m64.AsSpan(16 + i * 16 + 8));
        Assert.True(dataRva + total <= dump.Length, "Memory64List data runs past the end of the file");
        var found = new HashSet<string>();
        var marker = new Regex("NTDBG-LEAK-MARKER #([0-9]{4})");
        const int chunk = 8 << 20, overlap = 64;
        for (long at = dataRva; at < dataRva + total; at += chunk - overlap)
        {
            int length = (int)Math.Min(chunk, dataRva + total - at);
            foreach (Match m in marker.Matches(Encoding.Latin1.GetString(dump.ReadAt(at, length))))
                found.Add(m.Groups[1].Value);
        }
        return found.Count;
    }

    /// <summary>MemoryInfoList: 16-byte header, 48-byte entries, regions in ascending order.</summary>
    private static void AssertMemoryInfoList(FixtureDump dump)
    {
        var s = dump.Stream(MemoryInfoList);
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32LittleEndian(s));
        Assert.Equal(48u, BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(4)));
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(8));
        Assert.InRange(count, 10ul, 100000ul);
        Assert.Equal(16 + (long)count * 48, s.Length);
        ulong previousEnd = 0;
        for (int i = 0; i < (int)count; i++)
        {
            ulong baseAddress = BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(16 + i * 48));
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(16 + i * 48 + 24));
            Assert.True(baseAddress >= previousEnd, $"memory region {i} at 0x{baseAddress:X} overlaps the previous one");
            previousEnd = baseAddress + size;
        }
        var exe = dump.Module(0);
        Assert.Contains(Enumerable.Range(0, (int)count), i =>
            BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(16 + i * 48 + 8)) == exe.Base); // AllocationBase of the image
    }

    [LargeFixtureTheory, MemberData(nameof(Arches))]
    public void DeadlockDump_HasHandlesThreadInfoUnloadedModuleAndNames(string arch)
    {
        Assert.Null(LargeFixtures.Ensure());
        using var dump = OpenValid(LargeFixtures.PathOf($"deadlock-{arch}"));
        Assert.Equal(FullMemory | DeadlockExtras, dump.Flags);
        AssertDeadlockScenario(dump, arch);
    }

    [Theory, MemberData(nameof(Arches))]
    public void DeadlockPrivateCopy_HasHandlesThreadInfoUnloadedModuleAndNames(string arch)
    {
        using var dump = OpenValid(FixtureFiles.PrivateDump($"deadlock-{arch}"));
        Assert.Equal(PrivateReadWriteMemory | DeadlockExtras, dump.Flags);
        AssertDeadlockScenario(dump, arch);
    }

    private static void AssertDeadlockScenario(FixtureDump dump, string arch)
    {
        AssertStreams(dump, SystemInfo, ThreadList, ModuleList, MiscInfo, ThreadNames, HandleData, ThreadInfoList,
                      UnloadedModuleList, MemoryInfoList, Memory64List);
        Assert.DoesNotContain(ExceptionInfo, dump.StreamTypes);
        Assert.Equal(["ntdbg-dumper", "ntdbg-lock-a-then-b", "ntdbg-lock-b-then-a"], dump.ThreadNames().Values.Order());

        var threadInfo = dump.Stream(ThreadInfoList);
        Assert.Equal([12u, 64u, 3u], new[] { 0, 4, 8 }.Select(o => BinaryPrimitives.ReadUInt32LittleEndian(threadInfo.AsSpan(o))));
        var infoIds = Enumerable.Range(0, 3).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(threadInfo.AsSpan(12 + i * 64)));
        Assert.Equal(dump.ThreadIds().Order(), infoIds.Order());

        var unloaded = dump.Stream(UnloadedModuleList);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(unloaded.AsSpan(8)));
        Assert.Equal($"plugin-{arch}.dll", dump.MinidumpString(BinaryPrimitives.ReadUInt32LittleEndian(unloaded.AsSpan(12 + 20))));

        var handles = dump.Stream(HandleData);
        uint descriptorSize = BinaryPrimitives.ReadUInt32LittleEndian(handles.AsSpan(4));
        uint handleCount = BinaryPrimitives.ReadUInt32LittleEndian(handles.AsSpan(8));
        Assert.Equal(40u, descriptorSize);
        var objects = Enumerable.Range(0, (int)handleCount).Select(i => handles.AsSpan(16 + i * 40).ToArray())
            .Select(d => (Type: NameAt(dump, d, 8), Name: NameAt(dump, d, 12))).ToList();
        Assert.Contains(objects, o => o.Type == "Event" && o.Name.EndsWith(@"\ntdbg-fixture-event"));
        Assert.Contains(objects, o => o.Type == "Mutant" && o.Name.EndsWith(@"\ntdbg-fixture-mutex"));
        Assert.Contains(objects, o => o.Type == "File" && o.Name.EndsWith($@"\deadlock-{arch}.dmp"));
        AssertMemoryInfoList(dump);
    }

    /// <summary>
    /// The deadlock itself, read through independent tools: llvm-pdbutil gives each lock's
    /// section:offset, llvm-readobj the section's RVA; the CRITICAL_SECTION in the dump's memory
    /// must be owned by the thread that takes it first, with a waiter (LockCount 1, Wine's encoding).
    /// </summary>
    [FixtureToolTheory("llvm-pdbutil", "llvm-readobj"), MemberData(nameof(Arches))]
    public void DeadlockPrivateCopy_EachLockIsOwnedByTheThreadThatTookItFirst(string arch)
    {
        using var dump = OpenValid(FixtureFiles.PrivateDump($"deadlock-{arch}"));
        var names = dump.ThreadNames();
        string globals = Tools.Run("llvm-pdbutil", "dump", "-globals", Out($"deadlock-{arch}.pdb"));
        var sectionRvas = Regex.Matches(Tools.Run("llvm-readobj", "--sections", Out($"deadlock-{arch}.exe")),
                                        @"VirtualAddress: 0x([0-9A-Fa-f]+)")
            .Select(m => Convert.ToUInt64(m.Groups[1].Value, 16)).ToList();
        int pointer = arch == "x64" ? 8 : 4;
        foreach (var (lockName, owner) in new[] { ("g_LockA", "ntdbg-lock-a-then-b"), ("g_LockB", "ntdbg-lock-b-then-a") })
        {
            var m = Regex.Match(globals, $@"`_?{lockName}`\s+type = [^,]+, addr = (\d+):(\d+)");
            Assert.True(m.Success, $"{lockName} not in the PDB globals");
            ulong address = dump.Module(0).Base + sectionRvas[int.Parse(m.Groups[1].Value) - 1] + ulong.Parse(m.Groups[2].Value);
            var cs = dump.ReadMemory64(address, 6 * pointer);
            Assert.True(cs != null, $"{lockName} at 0x{address:X} is not in the dump");
            int lockCount = BinaryPrimitives.ReadInt32LittleEndian(cs.AsSpan(pointer));
            int recursion = BinaryPrimitives.ReadInt32LittleEndian(cs.AsSpan(pointer + 4));
            ulong owningThread = pointer == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(cs.AsSpan(16))
                                              : BinaryPrimitives.ReadUInt32LittleEndian(cs.AsSpan(12));
            Assert.Equal(1, recursion);
            Assert.Equal(1, lockCount);
            Assert.Equal(owner, names[(uint)owningThread]);
        }
    }

    private static string NameAt(FixtureDump dump, byte[] descriptor, int offset)
    {
        uint rva = BinaryPrimitives.ReadUInt32LittleEndian(descriptor.AsSpan(offset));
        return rva == 0 ? "" : dump.MinidumpString(rva);
    }

    // ------------------------------------------------------------------ winedump as an oracle

    public static TheoryData<string> CommittedDumps => new()
    {
        "crash-x64", "crash-x86", "useheap-x64-private", "useheap-x86-private", "deadlock-x64-private", "deadlock-x86-private",
        "blobleak-x64-private", "blobleak-x86-private", "manyheaps-x64-private", "manyheaps-x86-private",
        "deadlock3-x64-private", "deadlock3-x86-private",
    };

    [FixtureToolTheory("winedump"), MemberData(nameof(CommittedDumps))]
    public void Winedump_ParsesCommittedDump(string name)
    {
        string path = name.EndsWith("-private") ? FixtureFiles.PrivateDump(name[..^"-private".Length]) : Out($"{name}.dmp");
        using var dump = OpenValid(path);
        string text = Tools.Run("winedump", "dump", path);
        Assert.Contains($"Done dumping {path}", text);
        Assert.Contains($"NumberOfStreams: {dump.Directory.Count}", text);
        Assert.Contains($"Threads: {dump.ThreadIds().Count}", text);
        if (dump.StreamTypes.Contains(ExceptionInfo))
            Assert.Contains($"ExceptionCode: 0x{dump.Exception().Code:x8}", text);
    }

    [LargeFixtureTheory("winedump"), MemberData(nameof(LargeNames))]
    public void Winedump_ParsesLargeDump(string name)
    {
        Assert.Null(LargeFixtures.Ensure());
        string path = LargeFixtures.PathOf(name);
        using var dump = OpenValid(path);
        string text = Tools.Run("winedump", "dump", path);
        Assert.Contains($"Done dumping {path}", text);
        Assert.Contains($"NumberOfStreams: {dump.Directory.Count}", text);
    }

    public static TheoryData<string> LargeNames => new(LargeFixtures.Names);

    [FixtureToolTheory("winedump", "bash")]
    [InlineData("--check")]
    public void GenerateScript_CheckModeAcceptsTheCommittedOutputs(string mode)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(TestData.Repo("fixtures/generate.sh"));
        psi.ArgumentList.Add(mode);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"generate.sh {mode} failed:\n{stdout}\n{stderr.Result}");
        Assert.Matches(@"crash-x64\.dmp +\d+ bytes +SystemInfo ThreadList\(4\)", stdout);
        Assert.Matches(@"crash-x86\.dmp +\d+ bytes +SystemInfo ThreadList\(4\)", stdout);
    }

    // ------------------------------------------------------------------ PDB matching

    public static TheoryData<string> Images => new()
    {
        "crash-x64.exe", "crash-x86.exe", "useheap-x64.exe", "useheap-x86.exe",
        "deadlock-x64.exe", "deadlock-x86.exe", "plugin-x64.dll", "plugin-x86.dll",
    };

    [FixtureToolTheory("llvm-readobj", "llvm-pdbutil"), MemberData(nameof(Images))]
    public void Pdb_MatchesTheImageCodeViewRecord(string image)
    {
        var (guid, age, pdbName) = ImageCodeView(Out(image));
        Assert.Equal(Path.ChangeExtension(image, ".pdb"), pdbName);
        string summary = Tools.Run("llvm-pdbutil", "dump", "-summary", Out(pdbName));
        Assert.Equal(guid, Guid.Parse(Regex.Match(summary, @"GUID: (\{[0-9A-Fa-f-]+\})").Groups[1].Value));
        Assert.Equal(age, uint.Parse(Regex.Match(summary, @"\bAge: (\d+)").Groups[1].Value));
    }

    [FixtureToolTheory("llvm-readobj"), MemberData(nameof(Arches))]
    public void CrashDump_ExeModuleCarriesTheExeCodeViewRecord(string arch)
    {
        using var dump = OpenValid(Out($"crash-{arch}.dmp"));
        var cv = dump.Module(0).CodeView;
        Assert.True(cv.Length > 24, "the exe module has no CodeView record");
        Assert.Equal("RSDS"u8.ToArray(), cv[..4]);
        var (guid, age, pdbName) = ImageCodeView(Out($"crash-{arch}.exe"));
        Assert.Equal(guid, new Guid(cv.AsSpan(4, 16)));
        Assert.Equal(age, BinaryPrimitives.ReadUInt32LittleEndian(cv.AsSpan(20)));
        Assert.Equal(pdbName, Encoding.UTF8.GetString(cv.AsSpan(24)).TrimEnd('\0'));
    }

    [FixtureToolTheory("llvm-pdbutil")]
    [InlineData("useheap-x64.pdb", "g_LeakyBlob")]
    [InlineData("useheap-x86.pdb", "g_LeakyBlob")]
    [InlineData("deadlock-x64.pdb", "g_LockA")]
    [InlineData("deadlock-x86.pdb", "g_LockB")]
    public void Pdb_NamesTheFixtureGlobal(string pdb, string global)
    {
        string globals = Tools.Run("llvm-pdbutil", "dump", "-globals", Out(pdb));
        Assert.Matches($@"S_GDATA32 \[size = \d+\] `_?{global}`", globals);
    }

    /// <summary>The image's RSDS record as llvm-readobj reads it.</summary>
    private static (Guid Guid, uint Age, string PdbName) ImageCodeView(string image)
    {
        string text = Tools.Run("llvm-readobj", "--coff-debug-directory", image);
        var bytes = Regex.Match(text, @"PDBGUID: \(([0-9A-F ]+)\)").Groups[1].Value
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(b => Convert.ToByte(b, 16)).ToArray();
        Assert.Equal(16, bytes.Length);
        return (new Guid(bytes), uint.Parse(Regex.Match(text, @"PDBAge: (\d+)").Groups[1].Value),
                Regex.Match(text, @"PDBFileName: (\S+)").Groups[1].Value);
    }
}
