using Ntdbg.Core.Errors;
using Ntdbg.Targets;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Minidump;

/// <summary>TargetLoader: magic detection, the registration hook and one-line errors.</summary>
public sealed class TargetLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ntdbg-loader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string p = Path.Combine(_dir, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    [Fact]
    public void Mdmp_opens_a_user_dump_target()
    {
        string p = Write("x.dmp", SynthDumps.X64Base().Build().Bytes);
        using var t = TargetLoader.Open(p);
        Assert.IsType<UserDumpTarget>(t);
        Assert.Equal(TargetKind.UserDump, t.Kind);
        Assert.Equal(0x100u, t.Threads.Single().ThreadId);
    }

    [SharedDataFact("user/lldb/sigsegv.dmp")]
    public void A_real_dump_opens_through_the_loader()
    {
        using var t = TargetLoader.Open(TestData.Shared("user/lldb/sigsegv.dmp"));
        Assert.Equal(Ntdbg.Targets.Model.Machine.X64, t.Machine);
        Assert.Equal("User mini dump", t.FormatDescription);
    }

    [Fact]
    public void Disposing_twice_is_harmless()
    {
        var t = TargetLoader.Open(Write("z.dmp", SynthDumps.X64Base().Build().Bytes));
        t.Dispose();
        t.Dispose();
    }

    [Fact]
    public void Unknown_magic_names_the_bytes()
    {
        string p = Write("junk.bin", [0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0x05]);
        var e = Assert.Throws<DumpFormatException>(() => TargetLoader.Open(p));
        Assert.Equal("junk.bin: offset 0x0: not a dump or image: unrecognized signature DE AD BE EF 01 02 03 04", e.Message);
    }

    [Fact]
    public void Empty_and_missing_files_give_one_line()
    {
        var e = Assert.Throws<DumpFormatException>(() => TargetLoader.Open(Write("empty.dmp", [])));
        Assert.Equal("empty.dmp: offset 0x0: file is empty (0 bytes): not a dump or image", e.Message);
        e = Assert.Throws<DumpFormatException>(() => TargetLoader.Open(Path.Combine(_dir, "absent.dmp")));
        Assert.Contains("file not found", e.Message);
        e = Assert.Throws<DumpFormatException>(() => TargetLoader.Open(Write("tiny.dmp", "MDMP"u8.ToArray())));
        Assert.Contains("too short", e.Message);
    }

    [Fact]
    public void Registered_kinds_are_dispatched_by_their_matcher()
    {
        string p = Write("custom.bin", "NTDBGTST-rest"u8.ToArray());
        string? opened = null;
        TargetLoader.Register(b => b.StartsWith("NTDBGTST"u8), path =>
        {
            opened = path;
            throw new DumpFormatException(path, 0, "test kind reached");
        });
        var e = Assert.Throws<DumpFormatException>(() => TargetLoader.Open(p));
        Assert.Equal(p, opened);
        Assert.Contains("test kind reached", e.Message);
        // MDMP still goes to the built-in reader.
        using var t = TargetLoader.Open(Write("y.dmp", SynthDumps.X64Base().Build().Bytes));
        Assert.IsType<UserDumpTarget>(t);
    }
}
