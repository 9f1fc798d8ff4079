namespace Ntdbg.Commands.Language;

/// <summary>A syntax or evaluation error, printed WinDbg-style ("Syntax error at '...'").</summary>
public sealed class ExpressionException(string message) : Exception(message);
