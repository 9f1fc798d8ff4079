using Ntdbg.Stacks.Unwind.X86;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Stacks;

/// <summary>The frame-data program interpreter: the programs real PDBs carry, worked by hand, and hostile programs that must fail cleanly.</summary>
public sealed class PostfixProgramTests
{
    private static readonly RegionMemory Stack = new RegionMemory().Add(0x1000, [
        0x00, 0x20, 0x00, 0x00, // 0x1000: saved ebp 0x2000
        0x34, 0x12, 0x40, 0x00, // 0x1004: return address 0x401234
        0x78, 0x56, 0x34, 0x12, // 0x1008: saved ebx
    ]);

    [Fact]
    public void StandardEbpFrameProgram()
    {
        var vars = new Dictionary<string, uint> { ["$ebp"] = 0x1000, ["$esp"] = 0xff0, ["$eip"] = 0x400100 };
        Assert.True(new PostfixProgram(Stack).Run("$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =", vars, out string? problem), problem);
        Assert.Equal(0x401234u, vars["$eip"]);
        Assert.Equal(0x2000u, vars["$ebp"]);
        Assert.Equal(0x1008u, vars["$esp"]);
    }

    [Fact]
    public void MsvcQuirksNoSpaceAfterAssignAndCodeViewRegisterNumbers()
    {
        // "=$eip" without a space (MSVC), "$20" = EBX by its CodeView number, "@" aligns down.
        var vars = new Dictionary<string, uint> { ["$ebp"] = 0x1000 - 204, ["$esp"] = 0xff0, ["$eip"] = 0x400100, [".raSearch"] = 0x1004 };
        var assigned = new HashSet<string>();
        Assert.True(new PostfixProgram(Stack).Run("$T0 $ebp 204 + =$eip $T0 4 + ^ =$ebp $T0 ^ = $esp $T0 8 + = $20 $T0 8 + ^ = $T1 $esp 16 @ =", vars, out string? problem, assigned), problem);
        Assert.Equal(0x401234u, vars["$eip"]);
        Assert.Equal(0x12345678u, vars["$ebx"]);
        Assert.Equal(0x1000u, vars["$T1"]);
        Assert.Contains("$ebx", assigned);
    }

    [Theory]
    [InlineData("$eip $T9 =", "not set")]
    [InlineData("$T0 4 0 / =", "by zero")]
    [InlineData("$T0 0x5000 ^ =", "unreadable")]
    [InlineData("+", "underflow")]
    [InlineData("$T0 1 2 =", "without a variable")]
    [InlineData("$T0 1 = 5", "unused")]
    [InlineData("$T0 zz =", "neither")]
    public void BadProgramsFailWithTheReason(string program, string reason)
    {
        var vars = new Dictionary<string, uint> { ["$eip"] = 1 };
        Assert.False(new PostfixProgram(Stack).Run(program, vars, out string? problem));
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void RandomProgramsNeverThrow()
    {
        string[] tokens = ["$T0", "$eip", "$esp", "$ebp", ".raSearch", "=", "+", "-", "*", "/", "%", "@", "^", "0", "4", "0xffffffff", "-8", "$20", "=$eip", "x", ""];
        var random = new Random(4);
        var program = new PostfixProgram(Stack);
        for (int i = 0; i < 20_000; i++)
        {
            string text = string.Join(' ', Enumerable.Range(0, random.Next(0, 24)).Select(_ => tokens[random.Next(tokens.Length)]));
            var vars = new Dictionary<string, uint> { ["$eip"] = 0x1000, ["$esp"] = 0x1000, ["$ebp"] = 0x1004, [".raSearch"] = 0x1004 };
            program.Run(text, vars, out _);
            program.Evaluate(text, vars, out _, out _);
        }
    }
}
