namespace Ntdbg.Symbols.Demangle;

/// <summary>How much of an undecorated MSVC name to show.</summary>
public enum DemangleStyle
{
    /// <summary>
    /// The scope-qualified name only, as WinDbg's <c>x</c>, <c>ln</c> and <c>k</c> print it:
    /// <c>FxPkgPnp::PnpProcessEvent</c>, <c>std::vector&lt;int,std::allocator&lt;int&gt; &gt;::push_back</c>,
    /// <c>Foo::`vftable'</c>, <c>`string'</c>. Template arguments are written the way the Microsoft
    /// undecorator writes them (no class/struct/union/enum keywords, no space after commas, "&gt; &gt;").
    /// </summary>
    NameOnly,

    /// <summary>The complete declaration, in llvm-undname's format (access, storage, return type,
    /// calling convention, parameters, qualifiers).</summary>
    Full,
}
