namespace Telephony.Cli.Tests;

/// <summary>
/// One demo host with call queues and agents configured through environment variables (as the README documents), and
/// a management token, shared by the queue and agent tests (pbm and plain HTTP). The queues and who uses them:
/// <list type="bullet">
/// <item><c>sales</c>: no agent is ever a member, so a caller posted through the API waits (nothing connects it).</item>
/// <item><c>support</c>: agents 1001 (logged out at start: the login/pause story) and 1002 (logged in at start).</item>
/// <item><c>closed</c>: refuses callers while no agent is logged in; agent 1003 joins and leaves it at run time.</item>
/// </list>
/// </summary>
public sealed class QueueHost : DemoHost
{
    public const string Token = "queue-palette-token";

    protected override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["TELEPHONY__MANAGEMENT__URL"] = "http://127.0.0.1:0",
        ["TELEPHONY__MANAGEMENT__TOKEN"] = Token,
        ["Telephony__Queues__sales__Strategy"] = "ringall",
        ["Telephony__Queues__sales__Connect"] = "originate-bridge",
        ["Telephony__Queues__sales__MaxLength"] = "20",
        ["Telephony__Queues__sales__ServiceLevel"] = "30",
        ["Telephony__Queues__support__Strategy"] = "longest-idle",
        ["Telephony__Queues__support__RingTimeout"] = "20",
        ["Telephony__Queues__support__WrapUp"] = "5",
        ["Telephony__Queues__closed__Strategy"] = "linear",
        ["Telephony__Queues__closed__RefuseJoinWhen"] = "no-agents",
        ["Telephony__Agents__1001__Node"] = "demo-1",
        ["Telephony__Agents__1001__Extension"] = "1001",
        ["Telephony__Agents__1001__Name"] = "Alice",
        ["Telephony__Agents__1001__Queues"] = "support:0",
        ["Telephony__Agents__1002__Node"] = "demo-1",
        ["Telephony__Agents__1002__Extension"] = "1002",
        ["Telephony__Agents__1002__Name"] = "Bob",
        ["Telephony__Agents__1002__Queues"] = "support:1",
        ["Telephony__Agents__1002__LoggedIn"] = "true",
        ["Telephony__Agents__1003__Node"] = "demo-1",
        ["Telephony__Agents__1003__Extension"] = "1003",
    };

    protected override IReadOnlyDictionary<string, string>? PbmEnvironment => PbmVariables;

    /// <summary>What pbm runs with: the token in PBM_TOKEN.</summary>
    public IReadOnlyDictionary<string, string> PbmVariables { get; } = new Dictionary<string, string> { ["PBM_TOKEN"] = Token };
}

[CollectionDefinition(Collection)]
public sealed class QueueHostCollection : ICollectionFixture<QueueHost>
{
    public const string Collection = "queue host";
}
