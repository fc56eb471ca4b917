using Akka.Actor;
using Akka.Event;

namespace Telephony.Actors.Persistence;

/// <summary>
/// Where the event-sourced entities report a failed recovery (their <c>OnRecoveryFailure</c>) instead of Akka's error
/// with a stack trace per entity: one whole error, then a summary per window (<see cref="RecoveryFailureDigest"/>),
/// and the <c>telephony_entity_recovery_failures_total</c> counter. A failure inside the entity's own replay handler
/// (a bad event, not an unavailable journal) is still logged whole every time.
/// </summary>
public sealed class RecoveryFailures : IExtension
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly RecoveryFailureDigest _digest = new(Window);
    private readonly ILoggingAdapter _log;
    private readonly object _lock = new();

    public RecoveryFailures(ExtendedActorSystem system)
    {
        _log = Logging.GetLogger(system, "recovery-failures");
        system.Scheduler.Advanced.ScheduleRepeatedly(Window, Window, Flush);
    }

    public static RecoveryFailures Get(ActorSystem system) => system.WithExtension<RecoveryFailures, RecoveryFailuresProvider>();

    /// <summary>Failures recorded by this member since it started.</summary>
    public long Total
    {
        get
        {
            lock (_lock) return _digest.Total;
        }
    }

    public void Report(string persistenceId, Exception cause, object? message)
    {
        JournalInstruments.RecoveryFailures.Add(1, new KeyValuePair<string, object?>("kind", RecoveryFailureDigest.KindOf(persistenceId)));
        if (message is not null)
        {
            _log.Error(cause, "recovery of {0} failed in its handler of {1}: the entity stops", persistenceId, message.GetType().Name);
            return;
        }
        bool whole;
        lock (_lock)
        {
            LogSummary(_digest.Flush(DateTimeOffset.UtcNow));
            whole = _digest.Record(persistenceId, cause, DateTimeOffset.UtcNow);
        }
        if (whole)
            _log.Error(cause, "recovery of {0} failed: the journal could not be read (further failures within {1} s are counted, not logged one by one)",
                persistenceId, Window.TotalSeconds);
    }

    private void Flush()
    {
        lock (_lock) LogSummary(_digest.Flush(DateTimeOffset.UtcNow));
    }

    private void LogSummary(string? summary)
    {
        if (summary is not null) _log.Warning(summary);
    }
}

public sealed class RecoveryFailuresProvider : ExtensionIdProvider<RecoveryFailures>
{
    public override RecoveryFailures CreateExtension(ExtendedActorSystem system) => new(system);
}
