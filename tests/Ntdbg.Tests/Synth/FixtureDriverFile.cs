using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Ntdbg.Synth.Kernel.Scenarios;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// What the tests know about a committed fixture driver without ntdbg's readers: its
/// SizeOfImage and the RVAs of the `mov r8d,&lt;tag&gt;` immediates that feed a `call [rip+x]`
/// (scanned from the file's bytes through its section table), and from its C source the tag and
/// the functions that pass it to ExAllocatePoolWithTag.
/// </summary>
internal sealed partial record FixtureDriverFile(string FileName, uint SizeOfImage, string Tag, IReadOnlyList<uint> ImmediateRvas, IReadOnlyList<string> AllocatingFunctions,
    ulong ImageBase, IReadOnlyList<(uint Rva, ulong FileValue)> Dir64Fixups)
{
    public static FixtureDriverFile Read(string fileName)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(FixtureDrivers.Folder, fileName));
        string source = File.ReadAllText(Path.Combine(FixtureDrivers.Folder, "..", "..", "src", "drivers", Path.ChangeExtension(fileName, ".c")));
        var define = TagDefine().Match(source);
        Assert.True(define.Success, $"{fileName}: no #define *_TAG 'xxxx' in its source");
        string tag = new(define.Groups[2].Value.Reverse().ToArray()); // 'kaeL' is "Leak" in memory
        int optional = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(0x3c)) + 24;
        return new FixtureDriverFile(fileName, ReadSizeOfImage(bytes), tag, Immediates(bytes, tag), Allocating(source, define.Groups[1].Value),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(optional + 24)), Fixups(bytes));
    }

    /// <summary>The DIR64 entries of the base relocation directory and the 8 bytes each covers in the file.</summary>
    private static List<(uint, ulong)> Fixups(byte[] b)
    {
        int nt = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(0x3c));
        int table = nt + 24 + BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(nt + 20));
        int sections = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(nt + 6));
        uint relocRva = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(nt + 24 + 112 + 5 * 8));
        uint relocSize = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(nt + 24 + 112 + 5 * 8 + 4));
        int FileOffset(uint rva)
        {
            for (int i = 0; i < sections; i++)
            {
                int h = table + i * 40;
                uint va = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(h + 12)), size = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(h + 16));
                if (rva >= va && rva < va + size) return (int)(rva - va + BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(h + 20)));
            }
            throw new InvalidDataException($"RVA {rva:x} is in no section");
        }
        var fixups = new List<(uint, ulong)>();
        if (relocSize == 0) return fixups;
        int at = FileOffset(relocRva), end = at + (int)relocSize;
        while (at + 8 <= end)
        {
            uint page = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
            int blockSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at + 4));
            for (int i = at + 8; i < at + blockSize; i += 2)
            {
                ushort e = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(i));
                if (e >> 12 != 10) continue;
                uint rva = page + (uint)(e & 0xfff);
                fixups.Add((rva, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(FileOffset(rva)))));
            }
            at += blockSize;
        }
        return fixups;
    }

    private static uint ReadSizeOfImage(byte[] b) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(0x3c)) + 24 + 56));

    /// <summary>41 B8 imm32 (mov r8d,imm32) then FF 15 (call [rip+disp32]): the RVA of each immediate.</summary>
    private static List<uint> Immediates(byte[] b, string tag)
    {
        int nt = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(0x3c));
        int sections = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(nt + 6));
        int table = nt + 24 + BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(nt + 20));
        byte[] pattern = [0x41, 0xB8, .. Encoding.ASCII.GetBytes(tag), 0xFF, 0x15];
        var rvas = new List<uint>();
        for (int i = 0; i < sections; i++)
        {
            int h = table + i * 40;
            uint rva = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(h + 12));
            int rawSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(h + 16));
            int raw = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(h + 20));
            var data = b.AsSpan(raw, rawSize);
            for (int at = 0; at + pattern.Length <= data.Length; at++)
                if (data[at..].StartsWith(pattern)) rvas.Add(rva + (uint)at + 2);
        }
        return rvas;
    }

    /// <summary>Functions (definitions at the start of a line) whose body calls ExAllocatePoolWithTag with the tag's macro.</summary>
    private static List<string> Allocating(string source, string macro)
    {
        var found = new List<string>();
        foreach (Match m in FunctionDefinition().Matches(source))
        {
            int end = source.IndexOf("\n}", m.Index, StringComparison.Ordinal);
            string body = source[m.Index..(end < 0 ? source.Length : end)];
            if (Regex.IsMatch(body, @"ExAllocatePoolWithTag\([^;]*\b" + macro + @"\b")) found.Add(m.Groups[1].Value);
        }
        return found;
    }

    [GeneratedRegex(@"#define (\w+_TAG) '(\w{4})'")]
    private static partial Regex TagDefine();

    [GeneratedRegex(@"^(?:__attribute__\(\(\w+\)\) )?(?:static )?\w+ (\w+)\([^;{]*\)\s*\{", RegexOptions.Multiline)]
    private static partial Regex FunctionDefinition();
}
