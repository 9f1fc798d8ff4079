namespace Ntdbg.Symbols.Demangle;

/// <summary>Internal signal that the input is not a well-formed decorated name; never escapes
/// <see cref="MsvcDemangler.TryDemangle"/>.</summary>
internal sealed class DemangleFailure(string why) : Exception(why);
