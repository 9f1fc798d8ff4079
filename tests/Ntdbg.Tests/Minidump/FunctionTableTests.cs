using Ntdbg.Core.Errors;
using Ntdbg.Formats.Minidump;
using Ntdbg.Synth;

namespace Ntdbg.Tests.Minidump;

/// <summary>FunctionTableStream: tables stepped by every declared size and padding; hostile counts rejected.</summary>
public sealed class FunctionTableTests
{
    private static BuiltMinidump TwoTables() => SynthDumps.X64Base()
        .AddFunctionTable(0x7ff6_1000_0000, 0x7ff6_1000_8000, 0x7ff6_1000_0000, [(0x10, 0x40, 0x7000), (0x40, 0x90, 0x7010)], pad: 4)
        .AddFunctionTable(0x2000_0000, 0x2000_1000, 0x2000_0000, [(0x100, 0x180, 0x800)], pad: 0)
        .Build();

    [Fact]
    public void Tables_and_their_entries_are_read()
    {
        using var t = SynthDumps.Open(TwoTables());
        Assert.Equal(2, t.FunctionTables.Count);
        var a = t.FunctionTables[0];
        Assert.Equal((0x7ff6_1000_0000UL, 0x7ff6_1000_8000UL, 0x7ff6_1000_0000UL, 2u), (a.MinimumAddress, a.MaximumAddress, a.BaseAddress, a.EntryCount));
        Assert.Equal([new FunctionTableEntry(0x10, 0x40, 0x7000), new FunctionTableEntry(0x40, 0x90, 0x7010)], a.ReadEntries(t.File));
        Assert.Equal(0x58, a.NativeDescriptorSize);
        Assert.Equal(0xDD, t.File.Span(a.NativeDescriptorOffset, 1, "native")[0]);
        Assert.Equal([new FunctionTableEntry(0x100, 0x180, 0x800)], t.FunctionTables[1].ReadEntries(t.File));
        Assert.Contains(t.Streams, s => s.Type == 13 && s.Status == Ntdbg.Targets.User.DumpStreamStatus.Decoded);
    }

    [Fact]
    public void An_entry_count_past_the_stream_is_a_format_error()
    {
        var b = TwoTables();
        var stream = b.Stream(13);
        // First descriptor: after the 24-byte header and 8 bytes of header padding; EntryCount at +24.
        var e = Assert.Throws<DumpFormatException>(() => SynthDumps.Open(b.WithU32((int)stream.Rva + 32 + 24, 0x0100_0000).Bytes));
        Assert.Contains("function table", e.Message);
    }
}
