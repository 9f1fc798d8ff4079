using Ntdbg.Formats.Pe;
using Ntdbg.Targets.Model;

namespace Ntdbg.Targets.Image;

public static class PeCodeViews
{
    /// <summary>A PE debug directory's CodeView record as the model's <see cref="CodeViewInfo"/>.</summary>
    public static CodeViewInfo? ToCodeViewInfo(this PeCodeView? cv) =>
        cv == null ? null : new CodeViewInfo(cv.Format, cv.PdbPath, cv.Guid, cv.Age, cv.Nb10Signature);
}
