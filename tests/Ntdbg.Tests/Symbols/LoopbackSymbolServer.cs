using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Ntdbg.Tests.Symbols;

/// <summary>
/// A symbol server on 127.0.0.1 (loopback only, a free port) serving a server-layout folder,
/// case-insensitively as IIS does. <see cref="Override"/> lets a test answer a path itself
/// (500, redirects, truncation, garbage). Counts every request.
/// </summary>
public sealed class LoopbackSymbolServer : IDisposable
{
    private HttpListener _listener = new();
    private readonly Task _loop;
    private int _requests;

    public string Url { get; }
    public string? Root { get; set; }
    public ConcurrentQueue<string> Paths { get; } = new();
    public int RequestCount => Volatile.Read(ref _requests);
    /// <summary>Answers a request itself when it returns true (path without the leading '/').</summary>
    public Func<HttpListenerContext, string, bool>? Override { get; set; }
    public TimeSpan Delay { get; set; }

    public LoopbackSymbolServer(string? root)
    {
        Root = root;
        // The probed port can be taken by a parallel test before the listener binds it: try again.
        for (int attempt = 0; ; attempt++)
        {
            Url = $"http://127.0.0.1:{FreePort()}/";
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(Url);
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                _listener = new HttpListener();
            }
        }
        _loop = Task.Run(AcceptLoop);
    }

    public int CountFor(string fragment) => Paths.Count(p => p.Contains(fragment, StringComparison.OrdinalIgnoreCase));

    // Managed HttpListener re-resolves its endpoint while removing prefixes; if a parallel test has
    // meanwhile bound the same port, that throws "Address already in use". Shutting down must not fail a test.
    public void Stop()
    {
        try
        {
            if (_listener.IsListening) _listener.Stop();
        }
        catch (HttpListenerException) { }
    }

    public void Dispose()
    {
        Stop();
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException) { }
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptLoop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    private async Task Handle(HttpListenerContext ctx)
    {
        Interlocked.Increment(ref _requests);
        var path = Uri.UnescapeDataString(ctx.Request.Url!.AbsolutePath).TrimStart('/');
        Paths.Enqueue(path);
        try
        {
            if (Delay > TimeSpan.Zero) await Task.Delay(Delay);
            if (Override?.Invoke(ctx, path) == true) return;
            var file = Root == null ? null : Resolve(Root, path.Split('/'));
            if (file == null) { Status(ctx, 404); return; }
            var bytes = await File.ReadAllBytesAsync(file);
            ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { }
    }

    public static void Status(HttpListenerContext ctx, int code)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentLength64 = 0;
        ctx.Response.Close();
    }

    public static void Body(HttpListenerContext ctx, byte[] body)
    {
        ctx.Response.ContentLength64 = body.Length;
        ctx.Response.OutputStream.Write(body);
        ctx.Response.Close();
    }

    private static string? Resolve(string root, string[] parts)
    {
        string current = root;
        foreach (var part in parts)
        {
            if (part.Length == 0 || part == "..") return null;
            var match = Directory.Exists(current)
                ? Directory.EnumerateFileSystemEntries(current).FirstOrDefault(e => string.Equals(Path.GetFileName(e), part, StringComparison.OrdinalIgnoreCase))
                : null;
            if (match == null) return null;
            current = match;
        }
        return File.Exists(current) ? current : null;
    }
}
