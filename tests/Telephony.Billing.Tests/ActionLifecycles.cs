using Telephony.Actors.Actions;
using Telephony.Domain.Actions;

namespace Telephony.Billing.Tests;

/// <summary>Action queue journals for the <c>ami_action</c> tests: the events of a few actions' lives, as the queue of
/// node <c>pbx1</c> journals them (persistence id <c>actions/pbx1</c>).</summary>
internal static class ActionLifecycles
{
    public const string Node = "pbx1";
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, 123, TimeSpan.Zero);

    /// <summary><see cref="T0"/> plus <paramref name="seconds"/>, to the tick (AddSeconds would add floating-point noise
    /// below the microsecond the tables keep).</summary>
    public static DateTimeOffset At(double seconds) => T0.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    public static ActionRecord Record(string id, string action, int priority = 0, string? channelId = null, string? key = null,
        DateTimeOffset? expiresAt = null) => new()
    {
        Id = id,
        Node = Node,
        Action = action,
        Headers = [new("Channel", "PJSIP/100"), new("Exten", "200"), new("Context", "default")],
        Priority = priority,
        ChannelId = channelId,
        IdempotencyKey = key,
        ExpiresAt = expiresAt,
        QueuedAt = T0,
    };

    public static ActionMoved Move(string id, ActionStatus to, double seconds, Func<ActionTransition, ActionTransition>? with = null)
    {
        var t = new ActionTransition(id, to, At(seconds));
        return new ActionMoved(Node, with is null ? t : with(t));
    }

    /// <summary>An answered Originate, a Redirect Asterisk refused, a cancelled Hangup, an expired Originate and one
    /// whose connection died after it was sent; interleaved as a queue would journal them.</summary>
    public static IReadOnlyList<object> FiveLives() =>
    [
        new ActionQueued(Record("pbx1-1", "Originate", priority: 5, channelId: "crm-42-chan", key: "crm-42")),
        new ActionQueued(Record("pbx1-2", "Redirect", priority: 9)),
        new ActionQueued(Record("pbx1-3", "Hangup")),
        new ActionQueued(Record("pbx1-4", "Originate", channelId: "crm-43-chan", expiresAt: At(30))),
        new ActionQueued(Record("pbx1-5", "Originate", channelId: "crm-44-chan")),
        Move("pbx1-1", ActionStatus.Sent, 1.000001),
        Move("pbx1-2", ActionStatus.Sent, 1.5),
        Move("pbx1-1", ActionStatus.Succeeded, 1.2, t => t with { Message = "Originate successfully queued" }),
        Move("pbx1-2", ActionStatus.Failed, 1.6, t => t with { Message = "Channel specified does not exist" }),
        Move("pbx1-3", ActionStatus.Cancelled, 2, t => t with { Message = "cancelled by client" }),
        Move("pbx1-5", ActionStatus.Sent, 3),
        Move("pbx1-1", ActionStatus.Up, 5.25, t => t with
        {
            Channel = "PJSIP/100-00000001", UniqueId = "crm-42-chan", LinkedId = "crm-42-chan",
        }),
        Move("pbx1-5", ActionStatus.Unknown, 4, t => t with { Message = "connection lost after send; not resent" }),
        Move("pbx1-4", ActionStatus.Expired, 30, t => t with { Message = "not sent before expiresAt" }),
        Move("pbx1-1", ActionStatus.Ended, 65.5, t => t with { HangupCause = 16 }),
    ];

    /// <summary><paramref name="count"/> Originates, each queued, sent, answered, up and ended (5 events each), journaled
    /// in waves so that the events of many actions interleave.</summary>
    public static IReadOnlyList<object> ManyOriginates(int count)
    {
        var events = new List<object>();
        for (var i = 0; i < count; i++) events.Add(new ActionQueued(Record($"bulk-{i}", "Originate", channelId: $"bulk-{i}-chan")));
        foreach (var (to, at) in new[] { (ActionStatus.Sent, 1.0), (ActionStatus.Succeeded, 2.0), (ActionStatus.Up, 3.0), (ActionStatus.Ended, 10.0) })
            for (var i = 0; i < count; i++)
                events.Add(Move($"bulk-{i}", to, at + i / 1000.0, t => to switch
                {
                    ActionStatus.Up => t with { Channel = $"PJSIP/100-{i:D8}", UniqueId = $"bulk-{i}-chan", LinkedId = $"bulk-{i}-chan" },
                    ActionStatus.Ended => t with { HangupCause = 16 },
                    _ => t,
                }));
        return events;
    }

    /// <summary>What each action is after <paramref name="events"/>, by the domain's own rules.</summary>
    public static Dictionary<string, ActionRecord> Fold(IEnumerable<object> events)
    {
        var records = new Dictionary<string, ActionRecord>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e is ActionQueued q) records[q.Action.Id] = q.Action;
            else if (e is ActionMoved m) records[m.Transition.Id] = records[m.Transition.Id].Apply(m.Transition);
        }
        return records;
    }
}
