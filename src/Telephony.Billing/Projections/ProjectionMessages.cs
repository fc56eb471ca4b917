using Telephony.Billing.Serialization;

namespace Telephony.Billing.Projections;

public enum ProjectionState
{
    Starting,
    Running,
    BackingOff,
    Stopping,
}

/// <summary>Ask a projection actor (or the billing singleton, for all of them) where it is.</summary>
public sealed record GetProjectionStatus : IBillingMessage
{
    public static readonly GetProjectionStatus Instance = new();
}

/// <param name="Name">The projection, <c>sink:tag</c>.</param>
/// <param name="Tables">The tables it writes (rebuild projections write suffixed ones).</param>
/// <param name="Offset">Journal ordering of the last event written with its rows.</param>
/// <param name="JournalHead">Highest ordering in the journal at the last lag measurement.</param>
/// <param name="LagEvents">Events with this tag past <paramref name="Offset"/>; -1 until measured.</param>
/// <param name="LagSeconds">Age of the oldest of those events; 0 when caught up.</param>
public sealed record ProjectionStatus(
    string Name,
    string Sink,
    string Tag,
    string Tables,
    bool IsRebuild,
    ProjectionState State,
    long Offset,
    long JournalHead,
    long LagEvents,
    double LagSeconds,
    long EventsProjected,
    long RowsWritten,
    long BatchesWritten,
    long Failures,
    long Restarts,
    string? LastError,
    DateTimeOffset? LastWriteAt,
    DateTimeOffset? LagMeasuredAt,
    // Events, rows, batches, failures and restarts count from this instant: when this projection started on the
    // member running it now (they start again at zero when the projections move). The tables hold the totals.
    DateTimeOffset? CountingSince = null) : IBillingMessage;

/// <summary>The status of every projection of every sink (asked of the billing singleton).</summary>
public sealed record BillingStatus(IReadOnlyList<ProjectionStatus> Projections, IReadOnlyList<RebuildStatus> Rebuilds) : IBillingMessage;

/// <summary>Rebuild one sink from offset zero into fresh tables, then swap them in; other sinks keep running, and so do
/// this sink's live projections until the swap.</summary>
public sealed record RebuildSink(string Sink) : IBillingMessage;

public sealed record RebuildAccepted(string Sink) : IBillingMessage;

public sealed record RebuildRejected(string Sink, string Reason) : IBillingMessage;

public enum RebuildPhase
{
    CreatingTables,
    CatchingUp,
    Swapping,
    Completed,
    Failed,
}

public sealed record RebuildStatus(string Sink, RebuildPhase Phase, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string? Error);

/// <summary>Stop a projection once its write in flight has finished; nothing is written after the reply
/// (<see cref="ProjectionStopped"/>).</summary>
internal sealed record StopProjection
{
    public static readonly StopProjection Instance = new();
}

internal sealed record ProjectionStopped(string Name);

/// <summary>The billing singleton's termination message (hand-over, leave, shutdown): every projection of every sink
/// finishes its write in flight and stops, then the singleton stops. Its successor starts only after that, so no write of
/// this member lands beside the successor's.</summary>
public sealed record StopAllProjections
{
    public static readonly StopAllProjections Instance = new();
}

/// <summary>A sink actor's reply to <see cref="StopAllProjections"/>.</summary>
internal sealed record AllProjectionsStopped(string Sink);
