namespace Ntdbg.Symbols.Demangle;

/// <summary>A whole decorated symbol: written in full (llvm-undname's layout) or name only.</summary>
internal abstract class SymbolNode
{
    public abstract void Write(DemangleOutput o);

    /// <summary>The scope-qualified name alone, as WinDbg's x/ln/k show it.</summary>
    public abstract void WriteName(DemangleOutput o);

    /// <summary>The name, and a function's parameter list (a symbol used as a template argument,
    /// where overloads must stay apart).</summary>
    public virtual void WriteNameAndParameters(DemangleOutput o) => WriteName(o);
}

/// <summary>Return type, calling convention, parameters and qualifiers of a function.</summary>
internal sealed class FunctionSignature
{
    /// <summary>"public: " and the like.</summary>
    public string Access { get; set; } = "";
    public string Prefix { get; set; } = "";
    public bool OmitParameters { get; set; }
    public bool EmptyParentheses { get; set; }
    public TypeNode? ReturnType { get; set; }
    public string CallingConvention { get; set; } = "";
    public List<TypeNode> Parameters { get; } = new();
    public bool Variadic { get; set; }
    public Quals ThisQuals { get; set; }
    public string RefQualifier { get; set; } = "";
    public bool Noexcept { get; set; }

    public void WriteReturnPre(DemangleOutput o)
    {
        if (ReturnType == null) return;
        ReturnType.WritePre(o);
        o.Append(' ');
    }

    public void WriteParamsAndQualifiers(DemangleOutput o)
    {
        if (OmitParameters) return;
        o.Append('(');
        string separator = o.WinDbgStyle ? "," : ", ";
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (i > 0) o.Append(separator);
            Parameters[i].WritePre(o);
            Parameters[i].WritePost(o);
        }
        if (Variadic) o.Append(Parameters.Count > 0 ? separator + "..." : "...");
        else if (Parameters.Count == 0 && !EmptyParentheses) o.Append("void");
        o.Append(')');
        QualsText.WriteSuffix(o, ThisQuals);
        o.Append(RefQualifier);
        if (Noexcept) o.Append(" noexcept");
    }
}

internal sealed class FunctionSymbol(NameNode name, FunctionSignature signature, string thunkPrefix, string nameSuffix) : SymbolNode
{
    public override void Write(DemangleOutput o)
    {
        o.Append(thunkPrefix);
        o.Append(signature.Access);
        o.Append(signature.Prefix);
        signature.WriteReturnPre(o);
        if (signature.CallingConvention.Length > 0) o.Append(signature.CallingConvention).Append(' ');
        name.Write(o);
        o.Append(nameSuffix);
        signature.WriteParamsAndQualifiers(o);
        signature.ReturnType?.WritePost(o);
    }

    public override void WriteName(DemangleOutput o)
    {
        name.Write(o);
        o.Append(nameSuffix);
    }

    public override void WriteNameAndParameters(DemangleOutput o)
    {
        WriteName(o);
        signature.WriteParamsAndQualifiers(o);
    }
}

internal sealed class VariableSymbol(NameNode name, string prefix, TypeNode type) : SymbolNode
{
    public override void Write(DemangleOutput o)
    {
        o.Append(prefix);
        type.WritePre(o);
        o.SpaceIfNecessary();
        name.Write(o);
        type.WritePost(o);
    }

    public override void WriteName(DemangleOutput o) => name.Write(o);
}

/// <summary><c>const Foo::`vftable'{for `Bar'}</c> and the like (vbtable, complete object locator).</summary>
internal sealed class SpecialTableSymbol(NameNode name, Quals quals, IReadOnlyList<NameNode> targets) : SymbolNode
{
    public override void Write(DemangleOutput o)
    {
        if ((quals & Quals.Const) != 0) o.Append("const ");
        if ((quals & Quals.Volatile) != 0) o.Append("volatile ");
        WriteName(o);
    }

    public override void WriteName(DemangleOutput o)
    {
        name.Write(o);
        if (targets.Count == 0) return;
        o.Append("{for ");
        for (int i = 0; i < targets.Count; i++)
        {
            if (i > 0) o.Append("s ");
            o.Append('`');
            targets[i].Write(o);
            o.Append('\'');
        }
        o.Append('}');
    }
}

/// <summary>A name with nothing else to say (RTTI descriptors, MD5-hashed names).</summary>
internal sealed class NameOnlySymbol(NameNode name, string joiner = "::") : SymbolNode
{
    public override void Write(DemangleOutput o) => WriteName(o);

    public override void WriteName(DemangleOutput o)
    {
        if (joiner == "::" || name is not QualifiedName q) { name.Write(o); return; }
        for (int i = 0; i < q.Components.Count; i++)
        {
            if (i > 0) o.Append(joiner);
            q.Components[i].Write(o);
        }
    }
}

/// <summary><c>class Foo `RTTI Type Descriptor'</c>.</summary>
internal sealed class TypeDescriptorSymbol(TypeNode type) : SymbolNode
{
    public override void Write(DemangleOutput o)
    {
        type.WritePre(o);
        type.WritePost(o);
        o.SpaceIfNecessary();
        o.Append("`RTTI Type Descriptor'");
    }

    public override void WriteName(DemangleOutput o) => Write(o);
}

/// <summary>A <c>??_C@</c> string literal: its decoded text in full, <c>`string'</c> by name.</summary>
internal sealed class StringLiteralSymbol(string text) : SymbolNode
{
    public override void Write(DemangleOutput o) => o.Append(text);
    public override void WriteName(DemangleOutput o) => o.Append("`string'");
}

/// <summary>An extern "C" function named inside a decorated name (a local static's scope).</summary>
internal sealed class ExternCSymbol(NameNode name) : SymbolNode
{
    public override void Write(DemangleOutput o)
    {
        o.Append("extern \"C\" ");
        name.Write(o);
    }

    public override void WriteName(DemangleOutput o) => name.Write(o);
}
