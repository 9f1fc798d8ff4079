using System.Text.Json;
using System.Text.Json.Serialization;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Rendering.Json;

/// <summary>
/// One JSON object per command: {"command", "type", "result"} or {"command", "error"}. Any field
/// may be null when the dump does not hold it; addresses are numbers.
/// </summary>
public static class JsonRendering
{
    public const int SchemaVersion = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
        MaxDepth = 64,
        // Output goes to terminals and files, not HTML: keep '+', '<' and quotes readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Render(CommandOutcome outcome)
    {
        var doc = new Dictionary<string, object?>
        {
            ["schemaVersion"] = SchemaVersion,
            ["command"] = outcome.Command,
        };
        if (outcome.Messages.Count > 0) doc["messages"] = outcome.Messages;
        if (outcome.Error != null) doc["error"] = outcome.Error;
        else
        {
            doc["type"] = outcome.Result?.GetType().Name;
            doc["result"] = outcome.Result;
        }
        return JsonSerializer.Serialize(doc, Options);
    }
}
