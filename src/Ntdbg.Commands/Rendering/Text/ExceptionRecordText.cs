using Ntdbg.Commands.Commands.Exceptions;

namespace Ntdbg.Commands.Rendering.Text;

public sealed class ExceptionRecordText : TextRenderer<ExceptionRecordResult>
{
    protected override void Render(ExceptionRecordResult r, TextWriter o)
    {
        string W(ulong v) => r.PointerSize == 8 ? v.ToString("x16") : v.ToString("x8");
        string sym = r.AddressSymbol != null ? $" ({r.AddressSymbol})" : "";
        o.WriteLine($"ExceptionAddress: {W(r.ExceptionAddress)}{sym}");
        o.WriteLine($"   ExceptionCode: {r.Code:x8}{(r.CodeName != null ? $" ({r.CodeName})" : "")}");
        o.WriteLine($"  ExceptionFlags: {r.Flags:x8}");
        o.WriteLine($"NumberParameters: {r.Parameters.Count}");
        for (int i = 0; i < r.Parameters.Count; i++) o.WriteLine($"   Parameter[{i}]: {W(r.Parameters[i])}");
        if (r.Explanation != null) o.WriteLine(r.Explanation);
    }
}
