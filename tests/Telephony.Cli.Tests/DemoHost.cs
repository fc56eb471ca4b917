namespace Telephony.Cli.Tests;

/// <summary>One host in demo mode (no node configured: the built-in simulated Asterisk <c>demo-1</c> makes calls),
/// its management endpoint on a free loopback port, shared by the tests of a class.</summary>
public class DemoHost : IAsyncLifetime
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("telephony-pbm-");
    private HostProcess? _host;

    /// <summary><c>127.0.0.1:port</c>, what pbm takes as its first argument.</summary>
    public string Endpoint { get; private set; } = "";

    public string Output => _host?.Output ?? "";

    protected virtual IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["TELEPHONY__MANAGEMENT__URL"] = "http://127.0.0.1:0",
    };

    protected virtual IReadOnlyDictionary<string, string>? PbmEnvironment => null;

    public async Task InitializeAsync()
    {
        var environment = new Dictionary<string, string>(Environment) { ["TELEPHONY__DEMO__CALLSPERSECOND"] = "3" };
        _host = HostProcess.Start(_work.FullName, environment);
        Endpoint = await _host.ManagementEndpointAsync(TimeSpan.FromSeconds(90));
        // Ready when the node is logged in and calls have been journaled.
        await WaitUntil(async () => (await Pbm.RunAsync(PbmEnvironment, Endpoint, "node", "list")).Stdout.Contains("| Connected |"), "demo-1 is connected");
        await WaitUntil(async () => (await Pbm.RunAsync(PbmEnvironment, Endpoint, "call", "list")).Lines.Length > 1, "calls are alive");
    }

    private async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_host!.HasExited) throw new InvalidOperationException($"the host exited ({_host.ExitCode}) while waiting until {what}:\n{Output}");
            if (await condition()) return;
            await Task.Delay(500);
        }
        throw new TimeoutException($"timed out waiting until {what}:\n{Output}");
    }

    public Task DisposeAsync()
    {
        _host?.Dispose();
        try
        {
            _work.Delete(recursive: true);
        }
        catch (IOException)
        {
            // a file still being released; it is a temp folder
        }
        return Task.CompletedTask;
    }
}

/// <summary>A demo host serving its endpoint on every address (0.0.0.0), which it allows only with a token.</summary>
public sealed class TokenDemoHost : DemoHost
{
    public const string Token = "s3cret-management-token";

    protected override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["TELEPHONY__MANAGEMENT__URL"] = "http://0.0.0.0:0",
        ["TELEPHONY__MANAGEMENT__TOKEN"] = Token,
    };

    protected override IReadOnlyDictionary<string, string>? PbmEnvironment => new Dictionary<string, string> { ["PBM_TOKEN"] = Token };
}
