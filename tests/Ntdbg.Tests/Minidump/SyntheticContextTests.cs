using Ntdbg.Synth;
using Ntdbg.Targets.Model;

namespace Ntdbg.Tests.Minidump;

/// <summary>x86, x64 and ARM64 CONTEXT records written by the Synth ContextBuilder, decoded by name.</summary>
public sealed class SyntheticContextTests
{
    private static Dictionary<string, ulong> Distinct(IEnumerable<string> names, ulong seed, int bits)
    {
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var d = new Dictionary<string, ulong>();
        ulong v = seed;
        foreach (var n in names)
        {
            v = v * 6364136223846793005UL + 1442695040888963407UL;
            d[n] = v & mask;
        }
        return d;
    }

    private static ThreadInfo OnlyThread(ushort arch, byte[] context)
    {
        var built = new MinidumpBuilder().WithSystemInfo(arch).AddThread(7, 0x1000, 0x2000, new byte[16], context).Build();
        using var t = SynthDumps.Open(built);
        Assert.Empty(t.Warnings);
        return t.Threads.Single();
    }

    [Fact]
    public void X64_registers_decode_by_winDbg_name_in_winDbg_order()
    {
        string[] gprs = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rip", "rsp", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];
        var values = Distinct(gprs, 1, 64);
        foreach (var (k, v) in Distinct(["cs", "ss", "ds", "es", "fs", "gs"], 2, 16)) values[k] = v;
        values["efl"] = 0x10246;
        values["dr7"] = 0x400;
        var ctx = OnlyThread(MinidumpBuilder.ArchAmd64, ContextBuilder.X64(values)).Context!;
        Assert.Equal(Machine.X64, ctx.Machine);
        foreach (var (name, v) in values) Assert.Equal(v, ctx.Get(name));
        Assert.Equal([.. gprs, "efl", "cs", "ss", "ds", "es", "fs", "gs"], ctx.Registers.Take(24).Select(r => r.Name).ToArray());
        Assert.Equal(values["rip"], ctx.InstructionPointer);
        Assert.Equal(values["rsp"], ctx.StackPointer);
        Assert.Equal(values["rax"] & 0xffffffff, ctx.Get("eax"));
        Assert.Equal(64, ctx.Registers[0].Bits);
    }

    [Fact]
    public void X86_registers_decode_by_winDbg_name()
    {
        string[] gprs = ["eax", "ebx", "ecx", "edx", "esi", "edi", "eip", "esp", "ebp"];
        var values = Distinct(gprs, 3, 32);
        foreach (var (k, v) in Distinct(["cs", "ss", "ds", "es", "fs", "gs"], 4, 16)) values[k] = v;
        values["efl"] = 0x246;
        var ctx = OnlyThread(MinidumpBuilder.ArchX86, ContextBuilder.X86(values)).Context!;
        Assert.Equal(Machine.X86, ctx.Machine);
        foreach (var (name, v) in values) Assert.Equal(v, ctx.Get(name));
        Assert.Equal([.. gprs, "efl", "cs", "ss", "ds", "es", "fs", "gs"], ctx.Registers.Take(16).Select(r => r.Name).ToArray());
        Assert.Equal(values["eip"], ctx.InstructionPointer);
        Assert.Equal(values["ebp"], ctx.FramePointer);
    }

    [Fact]
    public void Arm64_registers_decode_by_winDbg_name()
    {
        var names = Enumerable.Range(0, 29).Select(i => $"x{i}").Concat(["fp", "lr", "sp", "pc"]).ToList();
        var values = Distinct(names, 5, 64);
        values["cpsr"] = 0x60000000;
        var ctx = OnlyThread(MinidumpBuilder.ArchArm64, ContextBuilder.Arm64(values)).Context!;
        Assert.Equal(Machine.Arm64, ctx.Machine);
        foreach (var (name, v) in values) Assert.Equal(v, ctx.Get(name));
        Assert.Equal([.. names, "cpsr"], ctx.Registers.Take(34).Select(r => r.Name).ToArray());
        Assert.Equal(values["pc"], ctx.InstructionPointer);
        Assert.Equal(values["sp"], ctx.StackPointer);
        Assert.Equal(values["fp"], ctx.FramePointer);
    }

    [Fact]
    public void A_context_too_short_for_its_machine_is_left_out_with_a_warning()
    {
        var built = new MinidumpBuilder().WithSystemInfo(MinidumpBuilder.ArchAmd64).AddThread(7, 0x1000, 0x2000, new byte[16], new byte[0x40]).Build();
        using var t = SynthDumps.Open(built);
        Assert.Null(t.Threads.Single().Context);
        Assert.Contains(t.Warnings, w => w.Contains("thread 0x7") && w.Contains("0x100"));
    }

    [Fact]
    public void Without_system_info_the_machine_is_guessed_from_the_context_size()
    {
        var values = new Dictionary<string, ulong> { ["pc"] = 0x1234_5678_9abc, ["sp"] = 0x8000 };
        var built = new MinidumpBuilder().AddThread(7, 0x1000, 0x2000, new byte[16], ContextBuilder.Arm64(values)).Build();
        using var t = SynthDumps.Open(built);
        Assert.Equal(Machine.Arm64, t.Machine);
        Assert.Equal(0x1234_5678_9abcUL, t.Threads[0].Context!.InstructionPointer);
        Assert.Contains(t.Warnings, w => w.Contains("no system info"));
    }
}
