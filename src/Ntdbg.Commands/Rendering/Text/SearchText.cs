using Ntdbg.Commands.Commands.Search;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

public sealed class SearchText : TextRenderer<SearchResult>
{
    protected override void Render(SearchResult r, TextWriter output)
    {
        foreach (var hit in r.Hits)
        {
            if (r.AddressesOnly) { output.WriteLine(Hex.Pointer(hit.Address, r.PointerSize)); continue; }
            output.WriteLine(r.Kind switch
            {
                SearchKind.Words => MemoryLineFormatter.ValuesLine(hit.Address, r.PointerSize, 2, hit.Data, hit.Valid, false),
                SearchKind.Dwords => MemoryLineFormatter.ValuesLine(hit.Address, r.PointerSize, 4, hit.Data, hit.Valid, false),
                SearchKind.Qwords => MemoryLineFormatter.ValuesLine(hit.Address, r.PointerSize, 8, hit.Data, hit.Valid, false),
                _ => MemoryLineFormatter.BytesLine(hit.Address, r.PointerSize, hit.Data, hit.Valid),
            });
        }
        if (r.HitLimitReached) output.WriteLine($"Search stopped after {SearchCommand.MaxHits} hits");
    }
}
