using Akka.Configuration;
using Telephony.Domain.Actions;

namespace Telephony.Actors.Actions;

/// <summary>Configuration <c>telephony.actions</c> (hocon/telephony.conf), the same for every node.</summary>
public sealed record ActionQueueSettings
{
    public ActionLimits Limits { get; init; } = ActionLimits.Default;
    public ActionPolicy Policy { get; init; } = ActionPolicy.Default;

    /// <summary>Finished actions a queue keeps answering for (and whose idempotency keys it remembers).</summary>
    public int KeepFinished { get; init; } = 10_000;

    /// <summary>Journal a snapshot after this many events, so a queue does not replay its whole history.</summary>
    public int SnapshotEvery { get; init; } = 20_000;

    /// <summary>Channel names remembered as ended, for the stale-action guard.</summary>
    public int RememberEndedChannels { get; init; } = 50_000;

    /// <summary>How long an answer to an action may take before the action is reconciled as if its connection had dropped.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most actions written to the connection in one turn.</summary>
    public int SendBatch { get; init; } = 500;

    public static ActionQueueSettings Default { get; } = new();

    public static ActionQueueSettings From(Config config)
    {
        var c = config.GetConfig("telephony.actions");
        if (c is null || c.IsEmpty) return Default;
        var allow = c.HasPath("allow") ? c.GetStringList("allow") : null;
        return new ActionQueueSettings
        {
            Limits = new ActionLimits
            {
                RatePerSecond = c.GetDouble("rate-per-second", 20),
                Burst = c.GetInt("burst", 20),
                MaxOriginatesInProgress = c.GetInt("max-originates-in-progress", 50),
                MaxQueued = c.GetInt("max-queued", 10_000),
            },
            Policy = ActionPolicy.FromList(allow is { Count: > 0 } ? allow : null, c.GetBoolean("allow-root-equivalent", false)),
            KeepFinished = c.GetInt("keep-finished", 10_000),
            SnapshotEvery = c.GetInt("snapshot-every", 20_000),
            RememberEndedChannels = c.GetInt("remember-ended-channels", 50_000),
            ResponseTimeout = c.GetTimeSpan("response-timeout", TimeSpan.FromSeconds(10)),
            SendBatch = c.GetInt("send-batch", 500),
        };
    }
}
