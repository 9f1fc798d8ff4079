using System.Text;
using Ntdbg.Core.Errors;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>Malformed logs give one line naming the file, the line (and offset) and the problem; never a crash.</summary>
public class PerfCsvMalformedTests
{
    private const string Header = "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\H\\Memory\\Pool Paged Bytes\",\"\\\\H\\Memory\\Pool Nonpaged Bytes\"\r\n";
    private const string Good = "\"01/02/2024 03:04:05.006\",\"1\",\"2\"\r\n";

    public static TheoryData<string, int, string> Cases() => new()
    {
        { "", 0, "empty: no PDH CSV/TSV header line" },
        { "\"Date\",\"Value\"\r\n", 1, "not a PDH CSV/TSV counter log" },
        { "\"(PDH-CSV 4.0) (UTC)(0)\",\"Memory Pool Paged Bytes\"\r\n", 1, "column 2: 'Memory Pool Paged Bytes' is not a counter path" },
        { "\"(PDH-CSV 4.0\",\"\\Memory\\X\"\r\n", 1, "has no closing parenthesis" },
        { Header + Good + "\"2024-01-02 03:04:05\",\"1\",\"2\"\r\n", 3, "column 1: '2024-01-02 03:04:05' is not a timestamp" },
        { Header + "\"02/30/2024 03:04:05.006\",\"1\",\"2\"\r\n", 2, "is not a timestamp" },
        { Header + Good + "\"01/02/2024 03:04:20.006\",\"1\",\"lots\"\r\n", 3, "column 3 (\\\\H\\Memory\\Pool Nonpaged Bytes): 'lots' is not a number" },
        { Header + "\"01/02/2024 03:04:05.006\",\"1\",\"2\",\"3\"\r\n", 2, "more than the header's 2 counter values" },
        { Header + "\"01/02/2024 03:04:05.006\",\"1\"\r\n", 2, "1 counter values, the header names 2" },
        { Header + "\"01/02/2024 03:04:05.006\",\"1\",\"2\r\n", 2, "column 3: a quoted cell has no closing quote" },
        { Header + "\"01/02/2024 03:04:05.006\",\"1\"x,\"2\"\r\n", 2, "text after a closing quote" },
        { Header + Good + "The command completed successfully.\r\n" + Good, 4, "a sample after the closing text 'The command completed successfully.'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MalformedInputGivesOneLineError(string text, int line, string problem)
    {
        var e = Assert.Throws<DumpFormatException>(() => PerfCsvReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "/logs/bad.csv"));
        Assert.StartsWith("bad.csv: offset 0x", e.Message);
        if (line > 0) Assert.Contains($": line {line}: ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
    }

    [Fact]
    public void ErrorOffsetIsTheBadLinesStart()
    {
        string text = Header + Good + "\"bad\",\"1\",\"2\"\r\n";
        var e = Assert.Throws<DumpFormatException>(() => PerfCsvReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "x.csv"));
        Assert.Equal(Encoding.UTF8.GetByteCount(Header + Good), e.Offset);
    }

    [Fact]
    public void LineWithoutBreakIsCappedNotBuffered()
    {
        // A stream that never ends a line: the reader gives up at its line limit instead of growing without bound.
        var e = Assert.Throws<DumpFormatException>(() => PerfCsvReader.Read(new EndlessStream(), "endless.csv"));
        Assert.Contains("longer than 64 MiB without a line break", e.Message);
    }

    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'x');
            return count;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
