using Ntdbg.Symbols.Demangle;

namespace Ntdbg.Tests.Demangle;

/// <summary>Hand-checked names: what WinDbg's x/ln/k show and llvm-undname's full declaration.</summary>
public sealed class MsvcDemanglerTableTests
{
    [Theory]
    [InlineData("?m_Heap@Blob@@2PEAXEA", "Blob::m_Heap", "public: static void *Blob::m_Heap")]
    [InlineData("?PnpProcessEvent@FxPkgPnp@@QEAAXW4FxPnpEvent@@E@Z", "FxPkgPnp::PnpProcessEvent",
        "public: void __cdecl FxPkgPnp::PnpProcessEvent(enum FxPnpEvent, unsigned char)")]
    [InlineData("?push_back@?$vector@HV?$allocator@H@std@@@std@@QEAAXAEBH@Z", "std::vector<int,std::allocator<int> >::push_back",
        "public: void __cdecl std::vector<int, class std::allocator<int>>::push_back(int const &)")]
    [InlineData("??4Foo@@QEAAAEAV0@AEBV0@@Z", "Foo::operator=", "public: class Foo & __cdecl Foo::operator=(class Foo const &)")]
    [InlineData("??0Foo@@QEAA@XZ", "Foo::Foo", "public: __cdecl Foo::Foo(void)")]
    [InlineData("??1Foo@@UEAA@XZ", "Foo::~Foo", "public: virtual __cdecl Foo::~Foo(void)")]
    [InlineData("??_7Foo@@6B@", "Foo::`vftable'", "const Foo::`vftable'")]
    [InlineData("??_7A@B@@6BC@D@@@", "B::A::`vftable'{for `D::C'}", "const B::A::`vftable'{for `D::C'}")]
    [InlineData("??_C@_0N@BEEODGFF@Hello?5World?6?$AA@", "`string'", "\"Hello World\\n\"")]
    [InlineData("??_C@_1M@DANKKHJ@?$AAs?$AAe?$AA?9?$AAs?$AAe?$AA?$AA@", "`string'", "L\"se-se\"")]
    [InlineData("??__Eg_table@@YAXXZ", "`dynamic initializer for 'g_table''", "void __cdecl `dynamic initializer for 'g_table''(void)")]
    [InlineData("??__Fg_table@@YAXXZ", "`dynamic atexit destructor for 'g_table''", "void __cdecl `dynamic atexit destructor for 'g_table''(void)")]
    [InlineData("??_GFoo@@UEAAPEAXI@Z", "Foo::`scalar deleting dtor'", "public: virtual void * __cdecl Foo::`scalar deleting dtor'(unsigned int)")]
    [InlineData("??_R4Foo@@6B@", "Foo::`RTTI Complete Object Locator'", "const Foo::`RTTI Complete Object Locator'")]
    [InlineData("??_R0?AVFoo@@@8", "Foo `RTTI Type Descriptor'", "class Foo `RTTI Type Descriptor'")]
    [InlineData("??_R1A@?0A@EA@Foo@@8", "Foo::`RTTI Base Class Descriptor at (0,-1,0,64)'", "Foo::`RTTI Base Class Descriptor at (0, -1, 0, 64)'")]
    [InlineData("?x@?A0x1234abcd@ns@@3HA", "ns::`anonymous namespace'::x", "int ns::`anonymous namespace'::x")]
    [InlineData("??$max@H@std@@YAAEBHAEBH0@Z", "std::max<int>", "int const & __cdecl std::max<int>(int const &, int const &)")]
    [InlineData("??6@YAAEAVostream@std@@AEAV01@PEBD@Z", "operator<<", "class std::ostream & __cdecl operator<<(class std::ostream &, char const *)")]
    [InlineData("??2@YAPEAX_K@Z", "operator new", "void * __cdecl operator new(unsigned __int64)")]
    [InlineData("?f@@YAXP6AXH@Z@Z", "f", "void __cdecl f(void (__cdecl *)(int))")]
    [InlineData("?arr@@3PAY02HA", "arr", "int (*arr)[3]")]
    [InlineData("?pm@@3PEQFoo@@HEQ1@", "pm", "int Foo::*pm")]
    [InlineData("??BFoo@@QEBA_NXZ", "Foo::operator bool", "public: bool __cdecl Foo::operator bool(void) const")]
    [InlineData("?get@?$Holder@$0BA@@@QEAAHXZ", "Holder<16>::get", "public: int __cdecl Holder<16>::get(void)")]
    [InlineData("?s_count@?1??Next@Gen@@QEAAHXZ@4HA", "`Gen::Next'::`2'::s_count", "int `public: int __cdecl Gen::Next(void)'::`2'::s_count")]
    [InlineData("?f@Foo@@W7EAAXXZ", "Foo::f`adjustor{8}'", "[thunk]: public: virtual void __cdecl Foo::f`adjustor{8}'(void)")]
    [InlineData("??0?$vector@H@std@@QAE@XZ", "std::vector<int>::vector<int>", "public: __thiscall std::vector<int>::vector<int>(void)")]
    [InlineData("?GlobalVariadicFunc@@3P6AHDZZEA", "GlobalVariadicFunc", "int (__cdecl *GlobalVariadicFunc)(char, ...)")]
    [InlineData("?__CxxUnhandledExceptionFilter@@YGJPAU_EXCEPTION_POINTERS@@@Z", "__CxxUnhandledExceptionFilter",
        "long __stdcall __CxxUnhandledExceptionFilter(struct _EXCEPTION_POINTERS *)")]
    public void UndecoratesKnownNames(string decorated, string nameOnly, string full)
    {
        Assert.True(MsvcDemangler.TryDemangle(decorated, DemangleStyle.NameOnly, out var shortName));
        Assert.Equal(nameOnly, shortName);
        Assert.True(MsvcDemangler.TryDemangle(decorated, DemangleStyle.Full, out var declaration));
        Assert.Equal(full, declaration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("main")]
    [InlineData("_foo@8")]
    [InlineData("?")]
    [InlineData("?x")]
    [InlineData("?x@@")]
    [InlineData("?x@@3")]
    [InlineData("?x@@3HAtrailing")]
    [InlineData("?f@@YAX9@Z")]
    [InlineData("??_C@_0N@BEEODGFF@Hello")]
    public void RejectsWhatIsNotAWholeDecoratedName(string input)
    {
        Assert.False(MsvcDemangler.TryDemangle(input, DemangleStyle.Full, out _));
        Assert.False(MsvcDemangler.TryDemangle(input, DemangleStyle.NameOnly, out _));
    }
}
