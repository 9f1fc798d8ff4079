namespace Ntdbg.Targets.User;

public enum DumpStreamStatus
{
    /// <summary>Read and used.</summary>
    Decoded,
    /// <summary>A stream type this reader knows but does not decode (function tables, tokens, IPT traces...).</summary>
    NotDecoded,
    /// <summary>A type this reader does not know; skipped.</summary>
    Unknown,
    /// <summary>An unused or zero-sized directory slot.</summary>
    Empty,
    /// <summary>A second stream of a type already read; dbghelp also uses only the first.</summary>
    Duplicate,
}

/// <summary>One stream directory entry and what the reader did with it (for `.dumpdebug`-style listings).</summary>
public sealed record DumpStreamInfo(int Index, uint Type, string TypeName, uint Size, uint Rva, DumpStreamStatus Status);
