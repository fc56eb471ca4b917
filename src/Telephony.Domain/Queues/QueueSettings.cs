using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Queues;

/// <summary>How a caller is connected to an agent. Both go through the node's action queue.</summary>
public enum ConnectMode
{
    /// <summary>Redirect the caller's channel to the connect context, extension = the agent's route; the dialplan
    /// dials the agent (here or across a trunk) and reports <c>TelephonyConnectResult</c>.</summary>
    Redirect,

    /// <summary>Originate the agent (with a ChannelId) on the caller's node, then Bridge the two channels. Needs the
    /// agent on the caller's node; otherwise that offer falls back to <see cref="Redirect"/>.</summary>
    OriginateBridge,
}

/// <summary>What makes a queue "empty" for the join / leave rules (app_queue's joinempty / leavewhenempty).</summary>
[Flags]
public enum QueueEmptiness
{
    None = 0,

    /// <summary>No member agent is logged in.</summary>
    NoAgents = 1,

    /// <summary>Agents are logged in but none is available (all on break).</summary>
    NoneAvailable = 2,
}

/// <summary>Where a caller goes when it waited too long: another queue (overflow) or a dialplan target (breakout, by
/// Redirect).</summary>
public sealed record QueueExit(string? Queue, string? Context, string? Exten, int Priority = 1)
{
    public bool IsOverflow => Queue is not null;

    public override string ToString() => Queue is { } q ? $"queue {q}" : $"{Context},{Exten},{Priority}";
}

/// <summary>One queue's settings. Defaults follow app_queue where it has one.</summary>
public sealed record QueueSettings
{
    public required string Name { get; init; }

    public QueueStrategy Strategy { get; init; } = QueueStrategy.LongestIdle;

    /// <summary>How long an offered agent rings before the offer counts as a no-answer.</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait before <see cref="OnTimeout"/> (null: wait until the caller hangs up).</summary>
    public TimeSpan? MaxWait { get; init; }

    public QueueExit? OnTimeout { get; init; }

    /// <summary>Most callers waiting at once; 0 = no limit.</summary>
    public int MaxLength { get; init; }

    /// <summary>A join is refused when the queue is empty in one of these ways.</summary>
    public QueueEmptiness RefuseJoinWhen { get; init; } = QueueEmptiness.None;

    /// <summary>Waiting callers leave when the queue becomes empty in one of these ways.</summary>
    public QueueEmptiness LeaveWhen { get; init; } = QueueEmptiness.None;

    /// <summary>Where callers go when they leave an empty queue (null: the exit of <see cref="OnTimeout"/>, else
    /// they are only dropped from the queue and keep listening).</summary>
    public QueueExit? OnEmpty { get; init; }

    /// <summary>After a call from this queue the agent stays in wrap-up this long.</summary>
    public TimeSpan WrapUp { get; init; } = TimeSpan.Zero;

    /// <summary>Answered within this counts towards the service level.</summary>
    public TimeSpan ServiceLevel { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Where a day starts and ends for today's statistics (the dashboard's "today"): UTC unless set.</summary>
    public TimeZoneInfo DayTimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Between queues that share an agent, the higher weight gets the agent first.</summary>
    public int Weight { get; init; }

    public ConnectMode Connect { get; init; } = ConnectMode.Redirect;

    /// <summary>Dialplan context the Redirect goes to; the extension is the agent's route.</summary>
    public string ConnectContext { get; init; } = "vq-connect";

    /// <summary>How long a granted reservation lives without news: the ring timeout plus this margin for the
    /// action queue and the dialplan. Past it the agent releases the reservation by itself.</summary>
    public TimeSpan ReservationMargin { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan ReservationLifetime => RingTimeout + ReservationMargin;

    /// <summary>The last moment a connect (Redirect or Originate) for a reservation ending at
    /// <paramref name="deadline"/> may go on the wire: a ring timeout before it, and half the margin more for the
    /// answer's news to reach the agent. A connect still queued then (its node's session moving, a member dead)
    /// expires unsent: sent later it would ring an agent that released the reservation and may be on another call.</summary>
    public DateTimeOffset ConnectSendBy(DateTimeOffset deadline) => deadline - RingTimeout - ReservationMargin / 2;

    /// <summary>Value errors, each naming its setting (the host prefixes the configuration path).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!QueueNames.IsValid(Name)) errors.Add($"Name: '{Name}' is not a queue name ({QueueNames.Rule})");
        if (RingTimeout <= TimeSpan.Zero) errors.Add("RingTimeout: must be positive");
        if (MaxWait is { } w && w <= TimeSpan.Zero) errors.Add("MaxWait: must be positive");
        if (MaxLength < 0) errors.Add("MaxLength: must be 0 (no limit) or more");
        if (WrapUp < TimeSpan.Zero) errors.Add("WrapUp: must not be negative");
        if (ServiceLevel <= TimeSpan.Zero) errors.Add("ServiceLevel: must be positive");
        if (ReservationMargin <= TimeSpan.Zero) errors.Add("ReservationMargin: must be positive (the time a connect has to reach Asterisk)");
        if (string.IsNullOrWhiteSpace(ConnectContext) || !QueueNames.IsSafeValue(ConnectContext))
            errors.Add("ConnectContext: must be a dialplan context name");
        if (Strategy == QueueStrategy.RingAll && Connect != ConnectMode.OriginateBridge)
            errors.Add("Strategy: ring-all rings several agents at once, which needs Connect = originate-bridge");
        foreach (var (exit, key) in new[] { (OnTimeout, nameof(OnTimeout)), (OnEmpty, nameof(OnEmpty)) })
        {
            if (exit is null) continue;
            if (exit.Queue is { } q)
            {
                if (!QueueNames.IsValid(q)) errors.Add($"{key}: '{q}' is not a queue name");
                else if (q == Name) errors.Add($"{key}: a queue cannot overflow into itself");
            }
            else if (string.IsNullOrWhiteSpace(exit.Context) || string.IsNullOrWhiteSpace(exit.Exten)
                     || !QueueNames.IsSafeValue(exit.Context) || !QueueNames.IsSafeValue(exit.Exten))
                errors.Add($"{key}: needs Queue, or Context and Exten");
            else if (exit.Priority < 1) errors.Add($"{key}: Priority must be 1 or more");
        }
        return errors;
    }
}
