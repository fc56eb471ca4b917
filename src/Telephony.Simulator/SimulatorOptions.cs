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
    /// times and Cdr durations stay in simulated time either way. A call starts at the wall clock, or with
    /// <see cref="SubSecondTimes"/> on the node's scaled clock (see there).</summary>
    public double TimeScale { get; init; } = 1.0;

    /// <summary>Zone of CEL <c>EventTime</c> and Cdr times (Asterisk writes local time without a zone).</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>
    /// manager.conf <c>timestampevents = yes</c>: every event raised through the manager carries
    /// <c>Timestamp: &lt;epoch&gt;.&lt;usec&gt;</c> as its third header (after Event and Privilege), the instant it was
    /// raised: a little after the CEL/Cdr record it reports, in the call's simulated time. FullyBooted, responses
    /// (Ping keeps its own Timestamp line) and the events of an action's list never get it. Off, like Asterisk.
    /// Turns on <see cref="SubSecondTimes"/> unless that is set.
    /// </summary>
    public bool TimestampEvents { get; init; }

    /// <summary>
    /// Call clocks with sub-second instants: every scripted wait gets a random fraction (so ring and talk times are
    /// not whole seconds) and the events of one moment lie microseconds apart. CEL EventTime and Cdr times stay whole
    /// seconds and Cdr Duration/BillableSeconds follow Asterisk's arithmetic on the precise instants, so a billsec
    /// computed from whole-second times is often one more than the Cdr's, as with real Asterisk. Each node then also
    /// keeps one clock that runs 1/<see cref="TimeScale"/> as fast as the wall clock from its start, and calls start
    /// on it: at time scale 0.001 calls a wall millisecond apart start a simulated second apart, so their phases within
    /// the second spread as real ones do (its times run ahead of the wall clock accordingly). Null (default) = on
    /// exactly when <see cref="TimestampEvents"/> is; false keeps whole-second waits and wall-clock starts even with
    /// Timestamps.
    /// </summary>
    public bool? SubSecondTimes { get; init; }

    internal bool UsesSubSecondTimes => SubSecondTimes ?? TimestampEvents;

    /// <summary>Seed of the sub-second fractions (node i uses Seed + i; null = random). With one client (or the load
    /// generator) starting calls in a fixed order, every call's instants relative to its start are then repeatable;
    /// the start itself is the wall clock.</summary>
    public int? Seed { get; init; }

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

    /// <summary>The virtual call queue dialplan of the two-node captures: agents, connect context, timeouts, queue
    /// load.</summary>
    public Queue.VirtualQueueOptions VirtualQueue { get; init; } = new();

    /// <summary>Load mode: calls started on every node without any client asking.</summary>
    public LoadOptions? Load { get; init; }

    /// <summary>A session that falls this many messages behind is disconnected (Asterisk drops slow readers too).</summary>
    public int MaxSessionBacklog { get; init; } = 200_000;

    public string Banner { get; init; } = "Asterisk Call Manager/9.0.0";
}
