using Iced.Intel;

namespace Ntdbg.Analyses.Pool;

/// <summary>
/// Decodes one readable stretch of an executable section (<c>runRva</c>,
/// <c>bytes</c>) for <see cref="PoolImageScanner"/>: only the .pdata functions that
/// hold the tag's bytes when every occurrence lies in one inside the stretch (x64), else the whole
/// stretch linearly (x86 has no .pdata). One <see cref="Instruction"/> is reused; text is made only for hits.
/// </summary>
internal sealed class PoolCodeScan(PoolScanImage image, uint runRva, byte[] bytes, PoolTagPattern tag,
    Dictionary<uint, string> imports, PoolFunctionNamer namer, List<PoolTagCodeHit> hits)
{
    private readonly ulong _imageBase = image.CodeBase;
    private readonly bool _is64 = image.Image.Is64;
    private readonly MasmFormatter _formatter = PoolInstructionText.CreateFormatter();
    // Hits still waiting for a call: index into hits and instructions left in the window.
    private readonly List<(int Hit, int Left)> _pending = [];

    public void Run(List<int> occurrences)
    {
        foreach (var (start, end) in Ranges(occurrences)) Decode(start, end);
    }

    private List<(int Start, int End)> Ranges(List<int> occurrences)
    {
        var ranges = new List<(int Start, int End)>();
        uint sectionStart = runRva, sectionEnd = runRva + (uint)bytes.Length;
        foreach (int offset in occurrences)
        {
            if (!namer.TryFindFunction(sectionStart + (uint)offset, out uint begin, out uint end) || begin < sectionStart || end > sectionEnd)
                return [(0, bytes.Length)];
            var range = ((int)(begin - sectionStart), (int)(end - sectionStart));
            if (ranges.Count == 0 || ranges[^1] != range) ranges.Add(range);
        }
        return ranges;
    }

    private void Decode(int start, int end)
    {
        ulong ip = _imageBase + runRva + (uint)start;
        var decoder = Decoder.Create(_is64 ? 64 : 32, new ByteArrayCodeReader(bytes, start, end - start), ip, DecoderOptions.None);
        ulong stop = ip + (ulong)(end - start);
        _pending.Clear();
        while (decoder.IP < stop)
        {
            decoder.Decode(out var instruction);
            if (instruction.IsInvalid) { _pending.Clear(); continue; }
            if (_pending.Count > 0) Advance(ref instruction);
            if (HasMatchingImmediate(ref instruction, out uint value))
            {
                uint rva = (uint)(instruction.IP - _imageBase);
                var (name, functionStart) = namer.Name(rva);
                hits.Add(new PoolTagCodeHit(image.Source, image.Module, name, functionStart, rva, instruction.IP, PoolTagPattern.Spell(value),
                    PoolInstructionText.Format(_formatter, ref instruction), null, null, false));
                _pending.Add((hits.Count - 1, PoolTagFinder.CallWindow));
            }
        }
    }

    private void Advance(ref Instruction instruction)
    {
        var flow = instruction.FlowControl;
        if (flow is FlowControl.Call or FlowControl.IndirectCall)
        {
            string? target = ImportCalled(ref instruction);
            uint callRva = (uint)(instruction.IP - _imageBase);
            foreach (var (hit, _) in _pending)
                hits[hit] = hits[hit] with { CallTarget = target, CallRva = callRva, IsPoolCall = target != null && PoolTagFinder.PoolRoutines.Contains(target) };
            _pending.Clear();
            return;
        }
        // A return or jump leaves the sequence: the immediate is not an argument of a later call.
        if (flow is FlowControl.Return or FlowControl.UnconditionalBranch or FlowControl.IndirectBranch)
        {
            _pending.Clear();
            return;
        }
        for (int i = _pending.Count - 1; i >= 0; i--)
        {
            var (hit, left) = _pending[i];
            if (left <= 1) _pending.RemoveAt(i);
            else _pending[i] = (hit, left - 1);
        }
    }

    /// <summary>`call qword ptr [rip+x]` (x64) or `call dword ptr [abs]` (x86) through an IAT slot.</summary>
    private string? ImportCalled(ref Instruction instruction)
    {
        if (instruction.OpCount != 1 || instruction.Op0Kind != OpKind.Memory) return null;
        ulong slot;
        if (instruction.IsIPRelativeMemoryOperand) slot = instruction.IPRelativeMemoryAddress;
        else if (!_is64 && instruction.MemoryBase == Register.None && instruction.MemoryIndex == Register.None) slot = instruction.MemoryDisplacement32;
        else return null;
        if (slot < _imageBase || slot - _imageBase > uint.MaxValue) return null;
        return imports.TryGetValue((uint)(slot - _imageBase), out var name) ? name : null;
    }

    private bool HasMatchingImmediate(ref Instruction instruction, out uint value)
    {
        int count = instruction.OpCount;
        for (int i = 0; i < count; i++)
        {
            if (instruction.GetOpKind(i) is OpKind.Immediate32 or OpKind.Immediate32to64)
            {
                value = instruction.Immediate32;
                if (tag.Matches(value)) return true;
            }
        }
        value = 0;
        return false;
    }
}
