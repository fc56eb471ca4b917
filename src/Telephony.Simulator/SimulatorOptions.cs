using System.Net;
using Telephony.Simulator.Calls;
using Telephony.Simulator.Load;
using Telephony.Simulator.Model;

namespace Telephony.Simulator;

/// <summary>How a simulator behaves. Every property has a usable default: one node on 127.0.0.1:5038, user
/// <c>admin</c>/<c>secret</c>, the captures' dialplan, real time.</summary>
public sealed record SimulatorOptions
{
    /// <summary>Port of the first node; 0 = any free port (read it back from <see cref="SimulatedNode.Port"/>). With
    /// several nodes and a non-zero port, node i listens on Port + i.</summary>
    public int Port { get; init; } = 5038;

    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Simulated Asterisk servers in this process, each on its own port.</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>Node names are <c>{NodeNamePrefix}-{1..n}</c>.</summary>
    public string NodeNamePrefix { get; init; } = "asterisk";

    /// <summary>Manager users (username → secret), as in manager.conf.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["admin"] = "secret" };

    /// <summary>Wall-clock time per simulated time: 1 = real durations, 0.01 = a 3 s call takes 30 ms. Event
    /// times and Cdr durations stay in simulated time either way.</summary>
    public double TimeScale { get; init; } = 1.0;

    /// <summary>Zone of CEL <c>EventTime</c> and Cdr times (Asterisk writes local time without a zone).</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>Adds <c>LinkedID</c> and <c>Sequence</c> to every Cdr event, as cdr_manager.conf <c>[mappings]</c>
    /// would (the captures ran without it).</summary>
    public bool CdrLinkedIdAndSequence { get; init; }

    public Dialplan Dialplan { get; init; } = Dialplan.Default;

    /// <summary>Scripts by name; null = the built-in ones.</summary>
    public ScriptLibrary? Scripts { get; init; }

    public IReadOnlyList<QueueDefinition> Queues { get; init; } = [QueueDefinition.Support];

    /// <summary>Replay mode: every connection gets these capture bytes as they are (banner included) instead of a
    /// simulated Asterisk.</summary>
    public ReadOnlyMemory<byte>? ReplayBytes { get; init; }

    /// <summary>Write replayed bytes in pieces of this size (0 = all at once), to exercise a client's framing.</summary>
    public int ReplayChunkSize { get; init; }

    /// <summary>Replay for a real client: answer its Challenge/Login with its own ActionIDs, then stream the capture
    /// without the capture's banner and login response (so a client that logs in normally can be fed a capture).</summary>
    public bool ReplayAnswersLogin { get; init; }

    /// <summary>Close the connection once the capture is replayed (as Asterisk did after its Goodbye).</summary>
    public bool ReplayCloseAtEnd { get; init; } = true;

    /// <summary>Load mode: calls started on every node without any client asking.</summary>
    public LoadOptions? Load { get; init; }

    /// <summary>A session that falls this many messages behind is disconnected (Asterisk drops slow readers too).</summary>
    public int MaxSessionBacklog { get; init; } = 200_000;

    public string Banner { get; init; } = "Asterisk Call Manager/9.0.0";
}
