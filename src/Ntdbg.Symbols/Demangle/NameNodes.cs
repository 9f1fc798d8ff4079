namespace Ntdbg.Symbols.Demangle;

/// <summary>One component of a qualified name (or the whole qualified name).</summary>
internal abstract class NameNode
{
    public abstract void Write(DemangleOutput o);
}

/// <summary>An identifier, an operator spelling or a special name such as <c>`vftable'</c>.</summary>
internal sealed class SimpleName(string text) : NameNode
{
    public string Text { get; } = text;
    public override void Write(DemangleOutput o) => o.Append(Text);
}

/// <summary><c>name&lt;args&gt;</c> from a <c>?$</c> component.</summary>
internal sealed class TemplateName(NameNode baseName, IReadOnlyList<TemplateArg> args) : NameNode
{
    public NameNode BaseName { get; } = baseName;
    public IReadOnlyList<TemplateArg> Args { get; } = args;

    public override void Write(DemangleOutput o)
    {
        BaseName.Write(o);
        WriteArgs(o);
    }

    public void WriteArgs(DemangleOutput o)
    {
        o.Append('<');
        for (int i = 0; i < Args.Count; i++)
        {
            if (i > 0) o.Append(o.WinDbgStyle ? "," : ", ");
            Args[i].Write(o);
        }
        // The Microsoft undecorator keeps ">>" apart; llvm-undname does not.
        if (o.WinDbgStyle && o.Last == '>') o.Append(' ');
        o.Append('>');
    }
}

/// <summary>Constructor or destructor: the class's own name (with its template arguments).</summary>
internal sealed class StructorName(bool destructor) : NameNode
{
    public NameNode? Class { get; set; }

    public override void Write(DemangleOutput o)
    {
        if (destructor) o.Append('~');
        Class?.Write(o);
    }
}

/// <summary><c>operator T</c>; the target type is the function's return type.</summary>
internal sealed class ConversionOperatorName : NameNode
{
    public TypeNode? Target { get; set; }

    public override void Write(DemangleOutput o)
    {
        o.Append("operator");
        if (Target == null) return;
        o.Append(' ');
        Target.WritePre(o);
        Target.WritePost(o);
    }
}

/// <summary><c>`dynamic initializer for 'x''</c> and <c>`dynamic atexit destructor for 'x''</c>.</summary>
internal sealed class DynamicStructorName(string what, NameNode? name, SymbolNode? variable) : NameNode
{
    public override void Write(DemangleOutput o)
    {
        o.Append('`').Append(what).Append(' ');
        if (variable != null && o.WinDbgStyle) { o.Append('\''); variable.WriteName(o); }
        else if (variable != null) { o.Append('`'); variable.Write(o); }
        else { o.Append('\''); name?.Write(o); }
        o.Append("''");
    }
}

/// <summary>A function-local scope: <c>`void __cdecl f(void)'</c>, or a numbered block <c>`2'</c>.</summary>
internal sealed class LocalScopeName(SymbolNode scope) : NameNode
{
    public override void Write(DemangleOutput o)
    {
        o.Append('`');
        if (o.WinDbgStyle) scope.WriteName(o);
        else scope.Write(o);
        o.Append('\'');
    }
}

/// <summary>Components outermost first, joined by <c>::</c>.</summary>
internal sealed class QualifiedName(IReadOnlyList<NameNode> components) : NameNode
{
    public IReadOnlyList<NameNode> Components { get; } = components;
    public NameNode Last => Components[^1];

    public override void Write(DemangleOutput o)
    {
        for (int i = 0; i < Components.Count; i++)
        {
            if (i > 0) o.Append("::");
            Components[i].Write(o);
        }
    }
}

/// <summary>A template argument: a type, an integer, a symbol's address or an empty pack.</summary>
internal abstract class TemplateArg
{
    public abstract void Write(DemangleOutput o);
}

internal sealed class TypeArg(TypeNode type) : TemplateArg
{
    public override void Write(DemangleOutput o)
    {
        type.WritePre(o);
        type.WritePost(o);
    }
}

internal sealed class TextArg(string text) : TemplateArg
{
    public override void Write(DemangleOutput o) => o.Append(text);
}

/// <summary><c>&amp;symbol</c> (a pointer or reference non-type argument).</summary>
internal sealed class SymbolArg(SymbolNode symbol, string prefix) : TemplateArg
{
    public override void Write(DemangleOutput o)
    {
        o.Append(prefix);
        if (o.WinDbgStyle) symbol.WriteNameAndParameters(o);
        else symbol.Write(o);
    }
}

/// <summary><c>{symbol, 0, 4}</c>: a pointer to member with its adjustments.</summary>
internal sealed class MemberPointerArg(SymbolNode symbol, string[] offsets) : TemplateArg
{
    public override void Write(DemangleOutput o)
    {
        o.Append('{');
        if (o.WinDbgStyle) symbol.WriteNameAndParameters(o);
        else symbol.Write(o);
        foreach (var n in offsets) o.Append(", ").Append(n);
        o.Append('}');
    }
}
