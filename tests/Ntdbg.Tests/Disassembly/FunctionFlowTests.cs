using Ntdbg.Stacks.Disassembly;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Disassembly;

/// <summary>`uf`'s flow following: a chunk placed away from the body is found through the jump to it; a tail call is not followed.</summary>
public sealed class FunctionFlowTests
{
    [Fact]
    public void FollowsAJumpToADistantChunkAndBack()
    {
        var memory = new RegionMemory()
            .Add(0x1000, [0x85, 0xC9, 0x0F, 0x85, 0xF8, 0x00, 0x00, 0x00, 0x31, 0xC0, 0xC3, 0xCC, 0xCC]) // test ecx,ecx; jne 1100; xor eax,eax; ret
            .Add(0x1100, [0xB8, 0x01, 0x00, 0x00, 0x00, 0xE9, 0x00, 0xFF, 0xFF, 0xFF]);                     // mov eax,1; jmp 100a
        var flow = new FunctionFlow(new X86Disassembler(memory, 8, _ => null)).Follow(0x1000, _ => false, out var fault);
        Assert.Null(fault);
        Assert.Equal([0x1000UL, 0x1002, 0x1008, 0x100A, 0x1100, 0x1105], flow.Select(i => i.Address));
    }

    [Fact]
    public void StopsAtATailCallIntoAnotherFunction()
    {
        var memory = new RegionMemory()
            .Add(0x2000, [0x48, 0x83, 0xC4, 0x28, 0xE9, 0xF7, 0x0F, 0x00, 0x00]) // add rsp,28h; jmp 3000
            .Add(0x3000, [0xC3]);
        var flow = new FunctionFlow(new X86Disassembler(memory, 8, _ => null)).Follow(0x2000, a => a == 0x3000, out _);
        Assert.Equal([0x2000UL, 0x2004], flow.Select(i => i.Address));
        var followed = new FunctionFlow(new X86Disassembler(memory, 8, _ => null)).Follow(0x2000, _ => false, out _);
        Assert.Contains(followed, i => i.Address == 0x3000);
    }
}
