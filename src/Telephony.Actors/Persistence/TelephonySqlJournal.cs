using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;

namespace Telephony.Actors.Persistence;

/// <summary>
/// The Akka.Persistence.Sql journal with a faster recovery path. Writes, tags, deletes and the query side are the
/// plugin's own (same tables, same rows). What changes is how an entity starts: the plugin asks the database for the
/// highest sequence number and then for the events one persistence id at a time (a linq2db query built per call, a
/// connection and an Akka.Streams graph per entity). Calls start by the thousand, so here every start waiting at the
/// same moment is answered by one query (<see cref="JournalRecoveryReader"/>): <c>WHERE persistence_id IN (...)</c>.
/// What an entity recovers is exactly what it would have recovered through the plugin: every row of its persistence
/// id in sequence order; correctness still rests on the unique key (persistence_id, sequence_number).
/// </summary>
public sealed class TelephonySqlJournal : SqlWriteJournal
{
    private sealed record WriteDone(string PersistenceId, Task Write);

    private static readonly Task<IImmutableList<Exception>> NothingToWrite = Task.FromResult<IImmutableList<Exception>>(null!);

    private readonly JournalRecoveryReader _reader;
    private readonly Dictionary<string, Task> _writesInProgress = new(StringComparer.Ordinal);
    private readonly string _batchedReplayPrefix;

    public TelephonySqlJournal(Akka.Configuration.Config journalConfig) : base(journalConfig)
    {
        _reader = new JournalRecoveryReader(journalConfig, (ExtendedActorSystem)Context.System);
        _batchedReplayPrefix = journalConfig.GetString("batched-replay-persistence-id-prefix", "call/");
    }

    protected override void PostStop()
    {
        _reader.Dispose();
        base.PostStop();
    }

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages,
        CancellationToken cancellationToken)
    {
        var list = messages as IReadOnlyCollection<AtomicWrite> ?? messages.ToList();
        // A batch of only deferred handlers (DeferAsync while nothing else is pending) has nothing to write. The
        // plugin would throw on it ("Sequence contains no elements"), and the circuit breaker counts that as a journal
        // failure: a quiet minute of such batches opened the breaker and failed healthy writes and recoveries.
        if (list.Count == 0) return NothingToWrite;
        var write = base.WriteMessagesAsync(list, cancellationToken);
        var persistenceId = list.First().PersistenceId;
        _writesInProgress[persistenceId] = write;
        var self = Self;
        write.ContinueWith(_ => self.Tell(new WriteDone(persistenceId, write)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return write;
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is WriteDone done)
        {
            if (_writesInProgress.TryGetValue(done.PersistenceId, out var latest) && latest == done.Write)
                _writesInProgress.Remove(done.PersistenceId);
            return true;
        }
        return base.ReceivePluginInternal(message);
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr,
        CancellationToken cancellationToken)
    {
        // As the plugin does: a restarting entity must not read its highest sequence number while its last write is
        // still in flight (it would reuse a sequence number). Success or failure does not matter, only that it ended.
        if (_writesInProgress.TryGetValue(persistenceId, out var write))
            await write.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default).ConfigureAwait(false);
        return await _reader.HighestSequenceNrAsync(persistenceId, fromSequenceNr).ConfigureAwait(false);
    }

    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr,
        long max, Action<IPersistentRepresentation> recoveryCallback) =>
        // A batched replay holds every row of its batch in memory at once: fine for calls (a few rows each), not for
        // entities with long histories, which keep the plugin's paged replay.
        persistenceId.StartsWith(_batchedReplayPrefix, StringComparison.Ordinal)
            ? _reader.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, recoveryCallback)
            : base.ReplayMessagesAsync(context, persistenceId, fromSequenceNr, toSequenceNr, max, recoveryCallback);
}
