using System.Collections.Concurrent;
using System.Globalization;

namespace Ntdbg.Symbols.Locators;

/// <summary>
/// Remembers keys a server said 404 to: in memory for the session, and in a file in the cache
/// root with an expiry, so the next run does not ask again. The file is one line per miss:
/// `expiry-utc-ticks TAB server TAB key`. A damaged line is ignored.
/// </summary>
public sealed class NegativeCache
{
    public const string FileName = "ntdbg-misses.txt";
    private readonly ConcurrentDictionary<string, DateTime> _misses = new(StringComparer.OrdinalIgnoreCase);
    private readonly string? _file;
    private readonly Func<DateTime> _now;
    private readonly object _fileLock = new();
    private bool _loaded;

    /// <param name="file">Where misses persist; null keeps them for the session only.</param>
    public NegativeCache(string? file, Func<DateTime>? now = null)
    {
        _file = file;
        _now = now ?? (() => DateTime.UtcNow);
    }

    public bool IsKnownMiss(string server, SymbolKey key)
    {
        Load();
        return _misses.TryGetValue(Id(server, key), out var expiry) && expiry > _now();
    }

    public void Add(string server, SymbolKey key, TimeSpan lifetime)
    {
        Load();
        var expiry = _now() + lifetime;
        string id = Id(server, key);
        _misses[id] = expiry;
        if (_file == null) return;
        lock (_fileLock)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
                File.AppendAllText(_file, $"{expiry.Ticks.ToString(CultureInfo.InvariantCulture)}\t{id}\n");
            }
            catch (IOException) { } // a read-only cache just loses the memory across runs
            catch (UnauthorizedAccessException) { }
        }
    }

    private void Load()
    {
        if (_loaded || _file == null) { _loaded = true; return; }
        lock (_fileLock)
        {
            if (_loaded) return;
            _loaded = true;
            if (!File.Exists(_file)) return;
            try
            {
                foreach (var line in File.ReadLines(_file))
                {
                    var parts = line.Split('\t');
                    if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)) continue;
                    if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks) continue;
                    var expiry = new DateTime(ticks, DateTimeKind.Utc);
                    string id = parts[1] + "\t" + parts[2];
                    if (!_misses.TryGetValue(id, out var known) || known < expiry) _misses[id] = expiry;
                }
            }
            catch (IOException) { }
        }
    }

    private static string Id(string server, SymbolKey key) => server.TrimEnd('/') + "\t" + key.Identity;
}
