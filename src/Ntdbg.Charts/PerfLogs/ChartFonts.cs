using SkiaSharp;

namespace Ntdbg.Charts.PerfLogs;

/// <summary>
/// The font the charts' text is drawn with. The Linux Skia build used here reads fonts from
/// /usr/share/fonts only; without one every label would silently render as nothing, so the
/// absence is an error that says what to install.
/// </summary>
public static class ChartFonts
{
    private static readonly string[] Preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Segoe UI"];

    public static string Family()
    {
        var manager = SKFontManager.Default;
        foreach (var name in Preferred)
        {
            using var face = manager.MatchFamily(name);
            if (face != null && string.Equals(face.FamilyName, name, StringComparison.OrdinalIgnoreCase)) return name;
        }
        if (manager.FontFamilyCount > 0) return manager.GetFamilyName(0);
        throw new ChartException("no font found under /usr/share/fonts for the chart's text (install fonts-dejavu-core)");
    }
}

/// <summary>A chart that cannot be drawn, with the one-line reason the CLI prints.</summary>
public sealed class ChartException(string message) : Exception(message);
