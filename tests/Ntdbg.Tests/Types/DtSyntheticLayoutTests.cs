using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.SymbolModel;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Types;

/// <summary>Every `dt` spelling and value form, on hand-built model types over a fake 32-bit and 64-bit target.</summary>
public sealed class DtSyntheticLayoutTests
{
    private sealed class Types(params DbgType[] types) : ITypeSystem
    {
        public int PointerSize { get; init; } = 8;
        public DbgType? FindType(string name) => types.FirstOrDefault(t => t.Name == name);
        public IEnumerable<DbgType> MatchTypes(string pattern) => types.Where(t => SymbolWildcard.Matches(pattern, t.Name));
    }

    private static readonly PrimitiveType U4 = new("unsigned long", PrimitiveKind.UInt, 4);
    private static readonly PrimitiveType I4 = new("long", PrimitiveKind.Int, 4);
    private static readonly PrimitiveType U1 = new("unsigned char", PrimitiveKind.UChar, 1);
    private static readonly PrimitiveType I8 = new("__int64", PrimitiveKind.Int, 8);
    private static readonly PrimitiveType W = new("wchar_t", PrimitiveKind.WChar, 2);

    private static (FakeTarget Target, DebugSession Session) Build(int pointerSize, byte[] memory)
    {
        UdtType? self = null;
        var list = new UdtType("_LIST_ENTRY", UdtKind.Struct, (ulong)(2 * pointerSize), () =>
            [new UdtField("Flink", 0, new PointerType(() => self!, pointerSize)), new UdtField("Blink", (ulong)pointerSize, new PointerType(() => self!, pointerSize))]);
        self = list;
        var state = new EnumType("_STATE", I4, [new EnumConstant("Idle", 0), new EnumConstant("Running", 2)]);
        var callback = new FunctionType(() => PrimitiveType.Void, () => [U4]);
        var inner = new UdtType("_INNER", UdtKind.Struct, 8, () => [new UdtField("A", 0, U4), new UdtField("B", 4, I4)]);
        int p = pointerSize;
        var outer = new UdtType("_OUTER", UdtKind.Struct, 0x60, () =>
        [
            new UdtField("Links", 0, list),
            new UdtField("State", (ulong)(2 * p), state),
            new UdtField("Flags", (ulong)(2 * p + 4), U4),
            new UdtField("Enabled", (ulong)(2 * p + 4), U4, BitPosition: 0, BitLength: 1),
            new UdtField("Mode", (ulong)(2 * p + 4), U4, BitPosition: 3, BitLength: 5),
            new UdtField("Owner", (ulong)(2 * p + 8), new PointerType(inner, p)),
            new UdtField("Context", (ulong)(3 * p + 8), new PointerType(PrimitiveType.Void, p)),
            new UdtField("Routine", (ulong)(4 * p + 8), new PointerType(callback, p)),
            new UdtField("Counts", 0x30, new ArrayType(I8, 2)),
            new UdtField("Name", 0x40, new ArrayType(W, 4)),
            new UdtField("Level", 0x48, U1),
            new UdtField("Delta", 0x4c, I4),
            new UdtField("Inner", 0x50, inner),
        ]);
        var target = new FakeTarget { Machine = pointerSize == 8 ? Machine.X64 : Machine.X86 };
        target.ModuleList.Add(new ModuleInfo("drv.sys", 0x10000, 0x1000, 0, 0));
        target.Regions.Add(0x5000, memory);
        var session = new DebugSession(target, Path.GetTempPath() + "ntdbg-none");
        var source = new ListSymbolSource([], new Types(list, state, inner, outer) { PointerSize = pointerSize });
        session.SymbolTable.Attach(session.SymbolTable.Find("drv")!, source);
        return (target, session);
    }

    [Fact]
    public void LayoutSpellingsOn64Bit()
    {
        var (target, session) = Build(8, new byte[0x60]);
        Assert.Equal("""
            drv!_OUTER
               +0x000 Links            : _LIST_ENTRY
               +0x010 State            : _STATE
               +0x014 Flags            : Uint4B
               +0x014 Enabled          : Pos 0, 1 Bit
               +0x014 Mode             : Pos 3, 5 Bits
               +0x018 Owner            : Ptr64 _INNER
               +0x020 Context          : Ptr64 Void
               +0x028 Routine          : Ptr64     void
               +0x030 Counts           : [2] Int8B
               +0x040 Name             : [4] Wchar
               +0x048 Level            : UChar
               +0x04c Delta            : Int4B
               +0x050 Inner            : _INNER

            """.Replace("\r", ""), Run.Text(target, "dt drv!_OUTER", session).Replace("\r", ""));
    }

    [Fact]
    public void ValuesOn32BitWithRecursionAndPaths()
    {
        var m = new byte[0x60];
        BitConverter.GetBytes(0x5000u).CopyTo(m, 0);       // Flink -> itself
        BitConverter.GetBytes(0x5000u).CopyTo(m, 4);
        BitConverter.GetBytes(2).CopyTo(m, 8);              // Running
        BitConverter.GetBytes(0b1011_0001u).CopyTo(m, 12);  // Enabled=1, Mode=0b10110
        BitConverter.GetBytes(0x5050u).CopyTo(m, 16);       // Owner -> Inner
        BitConverter.GetBytes(0x10020u).CopyTo(m, 24);      // Routine inside drv
        BitConverter.GetBytes(-5L).CopyTo(m, 0x30);
        "AB\0\0"u8.ToArray().SelectMany(b => new byte[] { b, 0 }).ToArray().CopyTo(m, 0x40);
        m[0x48] = 0x41;
        BitConverter.GetBytes(-30).CopyTo(m, 0x4c);
        BitConverter.GetBytes(0xffu).CopyTo(m, 0x50);
        var (target, session) = Build(4, m);
        string text = Run.Text(target, "dt -r1 drv!_OUTER 5000", session).Replace("\r", "");
        Assert.Equal("""
               +0x000 Links            : _LIST_ENTRY [ 0x00005000 - 0x00005000 ]
                  +0x000 Flink         : 0x00005000 _LIST_ENTRY
                  +0x004 Blink         : 0x00005000 _LIST_ENTRY
               +0x008 State            : 2 ( Running )
               +0x00c Flags            : 0xb1
               +0x00c Enabled          : 0y1
               +0x00c Mode             : 0y10110
               +0x010 Owner            : 0x00005050 _INNER
               +0x014 Context          : (null)
               +0x018 Routine          : 0x00010020     void  drv+0x20
               +0x030 Counts           : [2] 0n-5
               +0x040 Name             : [4]  "AB"
               +0x048 Level            : 0x41 'A'
               +0x04c Delta            : 0n-30
               +0x050 Inner            : _INNER
                  +0x000 A             : 0xff
                  +0x004 B             : 0n0

            """, text);
        Assert.Equal("""
               +0x050 Inner            :
                  +0x000 A             : 0xff
                  +0x004 B             : 0n0

            """, Run.Text(target, "dt drv!_OUTER 5000 Inner.", session).Replace("\r", ""));
        Assert.Equal("   +0x00c Mode             : 0y10110\n", Run.Text(target, "dt drv!_OUTER 5000 Mode", session).Replace("\r", ""));
        Assert.Matches(@"\+0x008 \[01\]\s+: 0n0", Run.Text(target, "dt -b drv!_OUTER 5000 Counts", session));
    }

    [Fact]
    public void SelfContainingTypesAndDeepRecursionStayBounded()
    {
        UdtType? loop = null;
        loop = new UdtType("_LOOP", UdtKind.Struct, 8, () => [new UdtField("Self", 0, loop!)]);
        var target = new FakeTarget();
        target.ModuleList.Add(new ModuleInfo("drv.sys", 0x10000, 0x1000, 0, 0));
        target.Regions.Add(0x5000, new byte[16]);
        var session = new DebugSession(target, Path.GetTempPath() + "ntdbg-none");
        session.SymbolTable.Attach(session.SymbolTable.Find("drv")!, new ListSymbolSource([], new Types(loop)));
        string text = Run.Text(target, "dt -r99 drv!_LOOP 5000", session);
        Assert.InRange(text.Split('\n').Length, 2, 40);
        Assert.Contains("nested too deeply", Run.Text(target, "?? " + string.Concat(Enumerable.Repeat("-", 5000)) + "1", session));
    }
}
