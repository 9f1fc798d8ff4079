namespace Ntdbg.Symbols.Demangle;

[Flags]
internal enum Quals
{
    None = 0,
    Const = 1,
    Volatile = 2,
    Restrict = 4,
    Unaligned = 8,
}

internal static class QualsText
{
    /// <summary>" const volatile" style suffix used after types and function signatures.</summary>
    public static void WriteSuffix(DemangleOutput o, Quals q)
    {
        if ((q & Quals.Const) != 0) o.Append(" const");
        if ((q & Quals.Volatile) != 0) o.Append(" volatile");
        if ((q & Quals.Unaligned) != 0) o.Append(" __unaligned");
        if ((q & Quals.Restrict) != 0) o.Append(" __restrict");
    }
}

/// <summary>
/// A C++ type written in two halves around the declared name (<c>int (*</c> name <c>)[3]</c>).
/// </summary>
internal abstract class TypeNode
{
    public Quals Quals { get; set; }
    public abstract void WritePre(DemangleOutput o);
    public virtual void WritePost(DemangleOutput o) { }
}

/// <summary>A builtin type (<c>int</c>, <c>std::nullptr_t</c>, <c>...</c>).</summary>
internal sealed class PrimitiveType(string name) : TypeNode
{
    public string Name { get; } = name;

    public override void WritePre(DemangleOutput o)
    {
        o.Append(Name);
        QualsText.WriteSuffix(o, Quals);
    }
}

/// <summary><c>class Foo</c>, <c>struct Bar</c>, <c>union U</c>, <c>enum E</c>.</summary>
internal sealed class TagType(string keyword, NameNode name) : TypeNode
{
    public override void WritePre(DemangleOutput o)
    {
        if (!o.WinDbgStyle && keyword.Length > 0) o.Append(keyword).Append(' ');
        name.Write(o);
        QualsText.WriteSuffix(o, Quals);
    }
}

/// <summary>Pointer, reference, rvalue reference or pointer to member.</summary>
internal sealed class PointerType(TypeNode pointee, string op, NameNode? memberOf) : TypeNode
{
    public TypeNode Pointee { get; } = pointee;

    public override void WritePre(DemangleOutput o)
    {
        if (Pointee is FunctionType f)
        {
            f.Signature.WriteReturnPre(o);
            o.Append('(');
            o.Append(f.Signature.CallingConvention).Append(' '); // llvm keeps the space when there is no convention
        }
        else if (Pointee is ArrayType a)
        {
            a.Element.WritePre(o);
            o.SpaceIfNecessary();
            o.Append('(');
        }
        else
        {
            Pointee.WritePre(o);
            o.SpaceIfNecessary();
        }
        if (memberOf != null)
        {
            memberOf.Write(o);
            o.Append("::");
        }
        o.Append(op);
        // Qualifiers of the pointer itself follow the '*' directly: "*const __restrict".
        bool first = true;
        void Word(string w)
        {
            if (!first) o.Append(' ');
            o.Append(w);
            first = false;
        }
        if ((Quals & Quals.Const) != 0) Word("const");
        if ((Quals & Quals.Volatile) != 0) Word("volatile");
        if ((Quals & Quals.Unaligned) != 0) Word("__unaligned");
        if ((Quals & Quals.Restrict) != 0) Word("__restrict");
    }

    public override void WritePost(DemangleOutput o)
    {
        if (Pointee is FunctionType f)
        {
            o.Append(')');
            f.Signature.WriteParamsAndQualifiers(o);
            QualsText.WriteSuffix(o, f.Quals);
            f.Signature.ReturnType?.WritePost(o);
        }
        else if (Pointee is ArrayType a)
        {
            o.Append(')');
            a.WritePost(o);
        }
        else Pointee.WritePost(o);
    }
}

/// <summary>A function type standing alone (a template argument such as <c>int __cdecl(void)</c>).</summary>
internal sealed class FunctionType(FunctionSignature signature) : TypeNode
{
    public FunctionSignature Signature { get; } = signature;

    public override void WritePre(DemangleOutput o)
    {
        Signature.WriteReturnPre(o);
        o.Append(Signature.CallingConvention);
    }

    public override void WritePost(DemangleOutput o)
    {
        Signature.WriteParamsAndQualifiers(o);
        Signature.ReturnType?.WritePost(o);
    }
}

/// <summary><c>T[3][4]</c>.</summary>
internal sealed class ArrayType(TypeNode element, IReadOnlyList<string> dimensions) : TypeNode
{
    public TypeNode Element { get; } = element;

    public override void WritePre(DemangleOutput o) => Element.WritePre(o);

    public override void WritePost(DemangleOutput o)
    {
        foreach (var d in dimensions) o.Append('[').Append(d == "0" ? "" : d).Append(']');
        Element.WritePost(o);
    }
}
