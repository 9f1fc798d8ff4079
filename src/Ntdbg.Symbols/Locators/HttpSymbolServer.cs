using System.Collections.Concurrent;
using System.Net;

namespace Ntdbg.Symbols.Locators;

/// <summary>
/// A symbol server over HTTP(S): asks for `name/index/name`, then the compressed `name/index/nam_`
/// (a cabinet), then `name/index/file.ptr`; stores what it gets through the cache atomically.
/// Redirects are followed by hand (capped, loops detected); 5xx, timeouts and connection failures
/// are retried with exponential backoff (bounded); 404s are remembered in the negative cache;
/// concurrent lookups of one key share one download. Nothing is sent when the options say offline.
/// </summary>
public sealed class HttpSymbolServer : ISymbolLocator
{
    private static readonly Lazy<HttpClient> SharedClient = new(() => CreateClient());
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, Lazy<Task<SymbolLookupResult>>> _inflight = new(StringComparer.OrdinalIgnoreCase);
    private int _requests;

    public Uri BaseUri { get; }
    public CacheWriter Cache { get; }
    public SymbolServerOptions Options { get; }
    public NegativeCache Negative { get; }

    /// <summary>HTTP requests sent so far (every attempt, every redirect hop).</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    public string Description => BaseUri.ToString().TrimEnd('/');

    public HttpSymbolServer(string url, CacheWriter cache, SymbolServerOptions options, NegativeCache? negative = null, HttpClient? http = null)
    {
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"not an http(s) symbol server: {url}", nameof(url));
        BaseUri = uri;
        Cache = cache;
        Options = options;
        Negative = negative ?? new NegativeCache(Path.Combine(cache.Root, NegativeCache.FileName));
        _http = http ?? SharedClient.Value;
    }

    /// <summary>An HttpClient as the server wants it: redirects handled by us, no global timeout (ours is per request).</summary>
    public static HttpClient CreateClient(HttpMessageHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        { Timeout = Timeout.InfiniteTimeSpan };

    public async Task<SymbolLookupResult> FindAsync(SymbolKey key, SymbolLog log, CancellationToken cancel = default)
    {
        if (Options.Offline)
        {
            log.Add($"SYMSRV:  {Description}: offline, not asked for {key}");
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.Offline, $"not in the cache and symbol server {Description} is offline", log);
        }
        if (!Options.RefreshCache && Negative.IsKnownMiss(Description, key))
        {
            log.Add($"SYMSRV:  {Description}/{key}: known missing (remembered 404), not asked again");
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.NotFound, $"not on {Description} (remembered 404)", log);
        }

        var download = _inflight.GetOrAdd(key.Identity, _ => new Lazy<Task<SymbolLookupResult>>(() => DownloadAsync(key, cancel)));
        SymbolLookupResult result;
        try
        {
            result = await download.Value.ConfigureAwait(false);
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<string, Lazy<Task<SymbolLookupResult>>>(key.Identity, download));
        }
        foreach (var line in result.Attempts) log.Add(line);
        return result with { Attempts = log.Lines };
    }

    private async Task<SymbolLookupResult> DownloadAsync(SymbolKey key, CancellationToken cancel)
    {
        await Task.Yield(); // run off the caller's stack so concurrent callers find the entry
        var log = new SymbolLog();
        var cached = StoreLayout.ResolveIgnoringCase(Cache.Root, StoreLayout.IsTwoTier(Cache.Root)
            ? [key.TwoTierPrefix, key.FileName, key.Index, key.FileName] : [key.FileName, key.Index, key.FileName]);
        if (!Options.RefreshCache && cached != null && File.Exists(cached))
        {
            log.Add($"SYMSRV:  {cached} already in the cache");
            return SymbolLookupResult.Hit(key, cached, log);
        }

        var candidates = new List<(string Name, CandidateKind Kind)> { (key.FileName, CandidateKind.Plain) };
        if (Options.TryCompressed) candidates.Add((key.CompressedFileName, CandidateKind.Compressed));
        if (Options.TryFilePointer) candidates.Add((StoreLayout.FilePointerName, CandidateKind.FilePointer));

        var temps = new List<string>();
        try
        {
            foreach (var (name, kind) in candidates)
            {
                var url = new Uri(BaseUri, $"{Uri.EscapeDataString(key.FileName)}/{Uri.EscapeDataString(key.Index)}/{Uri.EscapeDataString(name)}");
                var temp = Cache.NewTempPath();
                temps.Add(temp);
                var fetched = await FetchAsync(url, temp, log, cancel).ConfigureAwait(false);
                if (fetched.Outcome == FetchOutcome.NotFound) continue;
                if (fetched.Outcome == FetchOutcome.Failed)
                    return SymbolLookupResult.Miss(key, fetched.Status, $"{url}: {fetched.Problem}", log);

                switch (kind)
                {
                    case CandidateKind.Plain:
                        return CheckAndCommit(key, temp, url.ToString(), log);
                    case CandidateKind.Compressed:
                        var expanded = Cache.NewTempPath();
                        temps.Add(expanded);
                        var problem = SymbolFileCheck.ExpandCabinet(temp, key.FileName, expanded);
                        if (problem != null)
                        {
                            log.Add($"SYMSRV:  {url}: {problem}");
                            return SymbolLookupResult.Miss(key, SymbolLookupStatus.Corrupt, $"{url}: {problem}", log);
                        }
                        return CheckAndCommit(key, expanded, url.ToString(), log);
                    case CandidateKind.FilePointer:
                        return FollowPointer(key, temp, url.ToString(), temps, log);
                }
            }
            Negative.Add(Description, key, Options.NegativeCacheLifetime);
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.NotFound, $"not on {Description} (404 for {string.Join(", ", candidates.Select(c => c.Name))})", log);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Add($"SYMSRV:  {Description}/{key}: cache write failed: {e.Message}");
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.ServerError, $"cannot write to the cache {Cache.Root}: {e.Message}", log);
        }
        finally
        {
            foreach (var t in temps) CacheWriter.Discard(t); // committed files were moved away already
        }
    }

    private SymbolLookupResult CheckAndCommit(SymbolKey key, string temp, string source, SymbolLog log)
    {
        var problem = SymbolFileCheck.Problem(temp, key.FileName);
        if (problem != null)
        {
            log.Add($"SYMSRV:  {source}: {problem}");
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.Corrupt, $"{source}: {problem}", log);
        }
        var final = Cache.Commit(key, temp, replace: Options.RefreshCache);
        log.Add($"SYMSRV:  {source} -> {final}");
        return SymbolLookupResult.Hit(key, final, log);
    }

    private SymbolLookupResult FollowPointer(SymbolKey key, string temp, string source, List<string> temps, SymbolLog log)
    {
        string text;
        using (var reader = new StreamReader(temp))
        {
            var buffer = new char[4096]; // a file.ptr is one short line; more is not a file.ptr
            int n = reader.ReadBlock(buffer, 0, buffer.Length);
            text = new string(buffer, 0, n);
        }
        var pointer = FilePointer.Parse(text);
        log.Add($"SYMSRV:  {source} says {pointer}");
        if (pointer.TargetPath == null)
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.Message, $"{Description}: {pointer.Text}", log);
        if (!File.Exists(pointer.TargetPath))
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.NotFound, $"{source} points to {pointer.TargetPath}, which is not reachable here", log);
        var copy = Cache.NewTempPath();
        temps.Add(copy);
        File.Copy(pointer.TargetPath, copy, overwrite: true);
        return CheckAndCommit(key, copy, pointer.TargetPath, log);
    }

    private async Task<FetchResult> FetchAsync(Uri url, string temp, SymbolLog log, CancellationToken cancel)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var current = url;
        for (int hop = 0; ; hop++)
        {
            if (!visited.Add(current.AbsoluteUri))
            {
                log.Add($"SYMSRV:  {current}: redirect loop");
                return FetchResult.Fail(SymbolLookupStatus.ServerError, $"redirect loop (back to {current})");
            }
            if (hop > Options.MaxRedirects)
            {
                log.Add($"SYMSRV:  {current}: more than {Options.MaxRedirects} redirects");
                return FetchResult.Fail(SymbolLookupStatus.ServerError, $"more than {Options.MaxRedirects} redirects");
            }
            var result = await SendWithRetriesAsync(current, temp, log, cancel).ConfigureAwait(false);
            if (result.Outcome != FetchOutcome.Redirect) return result;
            current = result.Location!;
        }
    }

    private async Task<FetchResult> SendWithRetriesAsync(Uri url, string temp, SymbolLog log, CancellationToken cancel)
    {
        string lastProblem = "no attempt made";
        int attempts = 1 + Math.Max(0, Options.MaxRetries);
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            if (attempt > 0)
            {
                var delay = TimeSpan.FromTicks(Math.Min(Options.MaxRetryDelay.Ticks, Options.RetryBaseDelay.Ticks << Math.Min(attempt - 1, 30)));
                log.Add($"SYMSRV:  {url}: retry {attempt} of {attempts - 1} in {delay.TotalMilliseconds:0} ms");
                await Task.Delay(delay, cancel).ConfigureAwait(false);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(Options.RequestTimeout);
            try
            {
                Interlocked.Increment(ref _requests);
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.TryAddWithoutValidation("User-Agent", Options.UserAgent);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                int code = (int)response.StatusCode;
                string status = $"HTTP {code} {response.ReasonPhrase}".TrimEnd();
                if (code is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                    if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                    {
                        log.Add($"SYMSRV:  {url}: {status} -> {next} (not http, not followed)");
                        return FetchResult.Fail(SymbolLookupStatus.ServerError, $"redirect to a non-http location {next}");
                    }
                    log.Add($"SYMSRV:  {url}: {status} -> {next}");
                    return FetchResult.RedirectTo(next);
                }
                if (code is 404 or 410)
                {
                    log.Add($"SYMSRV:  {url}: {status}");
                    return FetchResult.NotFound;
                }
                if (code >= 500 || code is 408 or 429)
                {
                    lastProblem = status;
                    log.Add($"SYMSRV:  {url}: {status}");
                    continue;
                }
                if (code is < 200 or >= 300)
                {
                    log.Add($"SYMSRV:  {url}: {status}");
                    return FetchResult.Fail(SymbolLookupStatus.ServerError, status);
                }
                return await ReceiveBodyAsync(url, response, temp, log, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                lastProblem = $"timed out after {Options.RequestTimeout.TotalSeconds:0.###} s";
                log.Add($"SYMSRV:  {url}: {lastProblem}");
            }
            catch (HttpRequestException e)
            {
                lastProblem = e.Message;
                log.Add($"SYMSRV:  {url}: {e.Message}");
            }
        }
        return FetchResult.Fail(SymbolLookupStatus.ServerError, $"{lastProblem} (gave up after {attempts} attempt{(attempts == 1 ? "" : "s")})");
    }

    private async Task<FetchResult> ReceiveBodyAsync(Uri url, HttpResponseMessage response, string temp, SymbolLog log, CancellationToken cancel)
    {
        // Content-Length counts encoded bytes; compare only when the body is not content-encoded.
        long? declared = response.Content.Headers.ContentEncoding.Count == 0 ? response.Content.Headers.ContentLength : null;
        if (declared > Options.MaxDownloadBytes)
        {
            log.Add($"SYMSRV:  {url}: {declared} bytes declared, over the {Options.MaxDownloadBytes} byte cap");
            return FetchResult.Fail(SymbolLookupStatus.Corrupt, $"{declared} bytes declared, over the {Options.MaxDownloadBytes} byte cap");
        }
        long written = 0;
        try
        {
            await using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await using var body = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
            var buffer = new byte[81920];
            int n;
            while ((n = await body.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, n), cancel).ConfigureAwait(false);
                written += n;
                if (written > Options.MaxDownloadBytes)
                {
                    log.Add($"SYMSRV:  {url}: body passes the {Options.MaxDownloadBytes} byte cap");
                    return FetchResult.Fail(SymbolLookupStatus.Corrupt, $"body passes the {Options.MaxDownloadBytes} byte cap");
                }
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancel.IsCancellationRequested)
        {
            string problem = declared is { } d ? $"truncated body: {written} of {d} bytes ({e.Message})" : $"transfer failed after {written} bytes: {e.Message}";
            log.Add($"SYMSRV:  {url}: {problem}");
            return FetchResult.Fail(SymbolLookupStatus.Corrupt, problem);
        }
        if (declared is { } length && length != written)
        {
            string problem = $"truncated body: {written} of {length} bytes";
            log.Add($"SYMSRV:  {url}: {problem}");
            return FetchResult.Fail(SymbolLookupStatus.Corrupt, problem);
        }
        log.Add($"SYMSRV:  {url}: {written} bytes");
        return FetchResult.Ok;
    }

    private enum CandidateKind { Plain, Compressed, FilePointer }

    private enum FetchOutcome { Ok, NotFound, Redirect, Failed }

    private sealed record FetchResult(FetchOutcome Outcome, SymbolLookupStatus Status, string Problem, Uri? Location)
    {
        public static readonly FetchResult Ok = new(FetchOutcome.Ok, SymbolLookupStatus.Found, "", null);
        public static readonly FetchResult NotFound = new(FetchOutcome.NotFound, SymbolLookupStatus.NotFound, "404", null);
        public static FetchResult RedirectTo(Uri location) => new(FetchOutcome.Redirect, SymbolLookupStatus.Found, "", location);
        public static FetchResult Fail(SymbolLookupStatus status, string problem) => new(FetchOutcome.Failed, status, problem, null);
    }
}
