using Akka.Configuration;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Actors.Queues;

/// <summary>The configured queues and agents (every member has the same), and which agents start in which queue.</summary>
public sealed class QueueDirectory
{
    private readonly Dictionary<string, QueueSettings> _queues;
    private readonly Dictionary<string, AgentSettings> _agents;
    private readonly Dictionary<string, string[]> _membersOf;
    private readonly Dictionary<string, AgentSettings> _byExtension;

    public QueueDirectory(IEnumerable<QueueSettings> queues, IEnumerable<AgentSettings> agents)
    {
        _queues = queues.ToDictionary(q => q.Name, StringComparer.Ordinal);
        _agents = agents.ToDictionary(a => a.Id, StringComparer.Ordinal);
        _membersOf = _agents.Values.SelectMany(a => a.Queues.Keys.Select(q => (q, a.Id)))
            .GroupBy(x => x.q, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Id).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        _byExtension = new Dictionary<string, AgentSettings>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in _agents.Values) _byExtension.TryAdd(a.Route.Extension, a);
        _byDevice = _agents.Values.Where(a => a.Device is not null).GroupBy(a => a.Device!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
    }

    private readonly Dictionary<string, AgentSettings> _byDevice;

    /// <summary>The agent whose phone is this device (<c>DeviceStateChange</c>'s <c>Device</c>).</summary>
    public AgentSettings? AgentByDevice(string device) => _byDevice.GetValueOrDefault(device);

    public static readonly QueueDirectory Empty = new([], []);

    public IReadOnlyCollection<QueueSettings> Queues => _queues.Values;

    public IReadOnlyCollection<AgentSettings> Agents => _agents.Values;

    public QueueSettings? Queue(string name) => _queues.GetValueOrDefault(name);

    public AgentSettings? Agent(string id) => _agents.GetValueOrDefault(id);

    /// <summary>The agent a connect dialplan names in <c>TelephonyConnectResult</c> (its route extension) or by id.</summary>
    public AgentSettings? AgentByExtensionOrId(string? text) =>
        text is null ? null : _byExtension.GetValueOrDefault(text) ?? _agents.GetValueOrDefault(text);

    public IReadOnlyList<string> ConfiguredMembers(string queue) => _membersOf.GetValueOrDefault(queue) ?? [];

    /// <summary>Every value error, each with its path (<c>Queues:sales:RingTimeout: ...</c>); empty = usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var q in _queues.Values)
        {
            errors.AddRange(q.Validate().Select(e => $"Queues:{q.Name}:{e}"));
            foreach (var exit in new[] { q.OnTimeout, q.OnEmpty })
                if (exit?.Queue is { } target && !_queues.ContainsKey(target))
                    errors.Add($"Queues:{q.Name}: overflow queue '{target}' is not configured");
        }
        foreach (var a in _agents.Values)
        {
            errors.AddRange(a.Validate().Select(e => $"Agents:{a.Id}:{e}"));
            foreach (var q in a.Queues.Keys.Where(q => !_queues.ContainsKey(q)))
                errors.Add($"Agents:{a.Id}:Queues:{q}: no such queue");
        }
        return errors;
    }
}

/// <summary>The <c>telephony.queues</c> block of HOCON.</summary>
public sealed record QueueRuntimeSettings(int SnapshotEvery, TimeSpan AskTimeout, TimeSpan ConfirmInterval, TimeSpan CallLimit,
    TimeSpan ArbitrationWindow, TimeSpan ViewRefresh, TimeSpan KeeperInterval)
{
    /// <summary>An agent snapshots after this many events: a member taking over agents late in a busy day replays a
    /// few hundred events each instead of the whole day.</summary>
    public int AgentSnapshotEvery { get; init; } = 200;

    /// <summary>When an unanswered reservation ask goes again (<c>ask-resend-after</c>, 0 = never).</summary>
    public AskResend AskResend { get; init; } = AskResend.Default;

    /// <summary>Members the queue keeper waits for in a forming cluster before it starts queues and agents
    /// (<c>keeper-formation-members</c>; 0 = as many as seed nodes), and for how long at most.</summary>
    public int KeeperFormationMembers { get; init; }

    public TimeSpan KeeperFormationWait { get; init; } = TimeSpan.FromSeconds(30);

    public static readonly QueueRuntimeSettings Default = new(1000, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5),
        TimeSpan.FromHours(4), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10));

    public static QueueRuntimeSettings From(Config config) => new(
        config.GetInt("telephony.queues.snapshot-every", Default.SnapshotEvery),
        config.GetTimeSpan("telephony.queues.ask-timeout", Default.AskTimeout),
        config.GetTimeSpan("telephony.queues.confirm-interval", Default.ConfirmInterval),
        config.GetTimeSpan("telephony.queues.call-limit", Default.CallLimit),
        config.GetTimeSpan("telephony.queues.arbitration-window", Default.ArbitrationWindow),
        config.GetTimeSpan("telephony.queues.view-refresh", Default.ViewRefresh),
        config.GetTimeSpan("telephony.queues.keeper-interval", Default.KeeperInterval))
    {
        AgentSnapshotEvery = Math.Max(1, config.GetInt("telephony.queues.agent-snapshot-every", Default.AgentSnapshotEvery)),
        AskResend = new AskResend(config.GetTimeSpan("telephony.queues.ask-resend-after", Default.AskResend.First)),
        KeeperFormationMembers = Math.Max(0, config.GetInt("telephony.queues.keeper-formation-members", 0)),
        KeeperFormationWait = config.GetTimeSpan("telephony.queues.keeper-formation-wait", Default.KeeperFormationWait),
    };

    /// <summary>The keeper's formation wait for a cluster with <paramref name="seeds"/> seed nodes.</summary>
    public KeeperFormation KeeperFormation(int seeds) =>
        new(KeeperFormationMembers > 0 ? KeeperFormationMembers : Math.Max(1, seeds), KeeperFormationWait);
}
