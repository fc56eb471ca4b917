namespace Telephony.Cli.Tests;

/// <summary>A demo host (the built-in simulated Asterisk with the demo's queues, agents and callers) whose endpoint
/// takes an operator token and a read-only token: what a supervisor's and a wallboard's browser sign in with.</summary>
public sealed class DashboardHost : DemoHost
{
    public const string OperatorToken = "dashboard-operator-token";
    public const string ReadOnlyToken = "dashboard-wallboard-token";

    protected override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["TELEPHONY__MANAGEMENT__URL"] = "http://127.0.0.1:0",
        ["TELEPHONY__MANAGEMENT__TOKEN"] = OperatorToken,
        ["TELEPHONY__MANAGEMENT__READONLYTOKEN"] = ReadOnlyToken,
    };

    protected override IReadOnlyDictionary<string, string>? PbmEnvironment => new Dictionary<string, string> { ["PBM_TOKEN"] = OperatorToken };
}

[CollectionDefinition(Collection)]
public sealed class DashboardHostCollection : ICollectionFixture<DashboardHost>
{
    public const string Collection = "dashboard host";
}
