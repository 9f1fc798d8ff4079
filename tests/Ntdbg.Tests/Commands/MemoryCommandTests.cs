using Ntdbg.Targets;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Commands;

public class MemoryCommandTests
{
    [Fact]
    public void MissingBytesShowAsQuestionMarksWithTheReason()
    {
        var t = new FakeTarget();
        t.Regions.Add(0x1000, Enumerable.Range(0, 8).Select(i => (byte)(0x41 + i)).ToArray());
        var lines = Run.Lines(t, "db 1000 L10");
        Assert.Equal("00000000`00001000  41 42 43 44 45 46 47 48-?? ?? ?? ?? ?? ?? ?? ??  ABCDEFGH????????", lines[0]);
        Assert.StartsWith("Memory unavailable: memory at 00000000`00001008", lines[1]);
    }

    [Fact]
    public void DisplayFormatsMatchWinDbgLayouts()
    {
        var t = new FakeTarget();
        var bytes = new byte[0x20];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)i;
        t.Regions.Add(0x2000, bytes);
        Assert.Equal("00000000`00002000  0100 0302 0504 0706 0908 0b0a 0d0c 0f0e", Run.Lines(t, "dw 2000 L8")[0]);
        Assert.Equal("00000000`00002000  03020100 07060504 0b0a0908 0f0e0d0c", Run.Lines(t, "dd 2000 L4")[0]);
        Assert.Equal("00000000`00002000  07060504`03020100 0f0e0d0c`0b0a0908", Run.Lines(t, "dq 2000 L2")[0]);
        Assert.Equal("00000000`00002000  07060504`03020100", Run.Lines(t, "dps 2000 L1")[0]);
    }

    [Fact]
    public void DpsNamesModules()
    {
        var t = new FakeTarget { Machine = Machine.X86, Kind = TargetKind.KernelDump };
        t.Regions.Add(0x8b5d8000, BitConverter.GetBytes(0x80a603f4u).Concat(BitConverter.GetBytes(0x12345678u)).ToArray());
        t.ModuleList.Add(new ModuleInfo(@"\SystemRoot\system32\hal.dll", 0x80a50000, 0x20000, 0, 0));
        var lines = Run.Lines(t, "dps 8b5d8000 L2");
        Assert.Equal("8b5d8000  80a603f4 hal+0x103f4", lines[0]);
        Assert.Equal("8b5d8004  12345678", lines[1]);
    }

    [Fact]
    public void SearchFindsMatchesAcrossAdjacentRegionsButNotAcrossHoles()
    {
        var t = new FakeTarget();
        t.Regions.Add(0x1000, new byte[0xffe].Concat("Le"u8.ToArray()).ToArray()); // ends at 0x2000
        t.Regions.Add(0x2000, "ak"u8.ToArray().Concat(new byte[0xffe]).ToArray());
        t.Regions.Add(0x5000, "Le"u8.ToArray());                                   // hole after
        t.Regions.Add(0x6000, "akLeak"u8.ToArray());
        var lines = Run.Lines(t, "s -[1]a 0 L?10000 \"Leak\"");
        Assert.Equal(["00000000`00001ffe", "00000000`00006002"], lines);
    }

    [Fact]
    public void SearchValuesAreAligned()
    {
        var t = new FakeTarget();
        var data = new byte[0x20];
        BitConverter.GetBytes(0xdeadbeefu).CopyTo(data, 1);   // unaligned: ignored
        BitConverter.GetBytes(0xdeadbeefu).CopyTo(data, 8);
        t.Regions.Add(0x3000, data);
        var lines = Run.Lines(t, "s -d 3000 L8 deadbeef");
        Assert.Single(lines);
        Assert.StartsWith("00000000`00003008  deadbeef", lines[0]);
        BitConverter.GetBytes(0x48u).CopyTo(data, 0x10);
        Assert.StartsWith("00000000`00003010  00000048", Run.Lines(t, "s -d 3000 L8 'H'")[0]);
    }

    [Fact]
    public void WriteMemStopsAtTheHoleAndSaysWhere()
    {
        var t = new FakeTarget();
        t.Regions.Add(0x1000, new byte[0x1000]);
        string file = Path.GetTempFileName();
        try
        {
            var lines = Run.Lines(t, $".writemem {file} 1000 L2000");
            Assert.Equal(0x1000, new FileInfo(file).Length);
            Assert.Contains("Unable to read memory at 00000000`00002000", lines[1]);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void HugeDisplaysAreRefusedNotCut()
    {
        var t = new FakeTarget();
        Assert.Contains("display limit", Run.Text(t, "db 0 L?ffffffffff"));
        Assert.Contains("display limit", Run.Text(t, "da 0 L?ffffffff"));
    }

    [Fact]
    public void ForEachModuleRefusesToNest()
    {
        var t = new FakeTarget();
        t.ModuleList.Add(new ModuleInfo("a.dll", 0x1000, 0x1000, 0, 0));
        var text = Run.Text(t, "!for_each_module !for_each_module lm");
        Assert.Contains("cannot be nested", text);
    }

    [Fact]
    public void ContinuesDisplayWhereTheLastOneEnded()
    {
        var t = new FakeTarget();
        t.Regions.Add(0x1000, new byte[0x200]);
        var session = new Ntdbg.Commands.Session.DebugSession(t);
        Run.Text(t, "db 1000", session);
        var next = Run.Text(t, "db", session).Split('\n')[0];
        Assert.StartsWith("00000000`00001080", next);
    }
}
