using Ntdbg.Symbols.Model;

namespace Ntdbg.Tests.SymbolModel;

public sealed class SymbolIndexTests
{
    private static SymbolIndex Sample() => new([
        new ModuleSymbol("Zeta", 0x3000, 0x10, SymbolEntryKind.Function),
        new ModuleSymbol("?m_Heap@Blob@@2PEAXEA", 0x2000, 0, SymbolEntryKind.Public),
        new ModuleSymbol("Blob::m_Heap", 0x2000, 8, SymbolEntryKind.Data, "?m_Heap@Blob@@2PEAXEA"),
        new ModuleSymbol("Alpha", 0x1000, 0x20, SymbolEntryKind.Function),
        new ModuleSymbol("AlphaAlias", 0x1000, 0, SymbolEntryKind.Label),
    ]);

    [Fact]
    public void FloorLookupPicksThePreferredSymbolAtAnRva()
    {
        var index = Sample();
        Assert.True(index.TryFindByRva(0x1010, out var s, out uint d));
        Assert.Equal(("Alpha", 0x10u), (s.Name, d));
        // Data beats the public at the same RVA.
        Assert.True(index.TryFindByRva(0x2000, out s, out d));
        Assert.Equal(("Blob::m_Heap", 0u), (s.Name, d));
        Assert.False(index.TryFindByRva(0xfff, out _, out _));
        Assert.True(index.TryFindByRva(uint.MaxValue, out s, out _));
        Assert.Equal("Zeta", s.Name);
    }

    [Fact]
    public void NextSkipsSymbolsSharingTheRva()
    {
        var index = Sample();
        Assert.Equal("Blob::m_Heap", index.FindNext(0x1000)!.Name);
        Assert.Equal("Alpha", index.FindNext(0)!.Name);
        Assert.Null(index.FindNext(0x3000));
    }

    [Fact]
    public void NamesMatchUndecoratedDecoratedAndWildcards()
    {
        var index = Sample();
        Assert.Equal(0x2000u, Assert.Single(index.FindByName("blob::M_HEAP")).Rva);
        // The decorated name finds both the data record and the public that carries it.
        Assert.Equal(2, index.FindByName("?m_Heap@Blob@@2PEAXEA").Count);
        Assert.Equal(["Alpha", "AlphaAlias"], index.Match("alpha*").Select(s => s.Name).Order());
        Assert.Equal(["Zeta"], index.Match("?eta").Select(s => s.Name));
        Assert.Empty(index.Match("nothing*"));
    }

    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("Ke*Ex", "KeBugCheckEx", true)]
    [InlineData("Ke*Ex", "KeBugCheck", false)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("*****a", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", false)]
    public void WildcardIsCaseInsensitiveAndLinear(string pattern, string text, bool expected) =>
        Assert.Equal(expected, SymbolWildcard.Matches(pattern, text));
}
