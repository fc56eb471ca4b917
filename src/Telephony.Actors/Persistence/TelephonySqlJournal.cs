using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;

namespace Telephony.Actors.Persistence;

/// <summary>
/// The Akka.Persistence.Sql journal with group commit, direct writers and a faster recovery path. Deletes and the
/// query side are the plugin's own, and every row is the plugin's row (same tables, same columns). Writes arriving
/// while a group is written form the next group (<see cref="Flush"/>), which goes to the database through a
/// <see cref="JournalGroupWriter"/> on SQLite and MariaDB, through the plugin otherwise. The other change is how an
/// entity starts: the plugin asks the database for the
/// highest sequence number and then for the events one persistence id at a time (a linq2db query built per call, a
/// connection and an Akka.Streams graph per entity). Calls start by the thousand, so here every start waiting at the
/// same moment is answered by one query (<see cref="JournalRecoveryReader"/>): <c>WHERE persistence_id IN (...)</c>.
/// What an entity recovers is exactly what it would have recovered through the plugin: every row of its persistence
/// id in sequence order; correctness still rests on the unique key (persistence_id, sequence_number).
/// </summary>
public sealed class TelephonySqlJournal : SqlWriteJournal
{
    private sealed record QueuedWrite(IReadOnlyCollection<AtomicWrite> Writes, TaskCompletionSource<IImmutableList<Exception>> Done,
        IReadOnlyList<JournalGroupWriter.PreparedWrite>? Prepared);
    private sealed record GroupWritten(List<QueuedWrite> Group, Task<IImmutableList<Exception>> Write);

    private static readonly Task<IImmutableList<Exception>> NothingToWrite = Task.FromResult<IImmutableList<Exception>>(null!);

    private readonly JournalRecoveryReader _reader;
    private readonly Dictionary<string, Task> _writesInProgress = new(StringComparer.Ordinal);
    private readonly string _batchedReplayPrefix;
    private readonly List<QueuedWrite> _queued = new();
    private readonly int _groupRows;
    private readonly int _groupParallelism;
    private int _groupsInFlight;
    private readonly JournalGroupWriter? _writer;
    private readonly ReplayGate _pluginReplays;

    public TelephonySqlJournal(Akka.Configuration.Config journalConfig) : base(journalConfig)
    {
        _reader = new JournalRecoveryReader(journalConfig, (ExtendedActorSystem)Context.System);
        _batchedReplayPrefix = journalConfig.GetString("batched-replay-persistence-id-prefix", "call/");
        _groupRows = Math.Max(1, journalConfig.GetInt("group-commit-max-rows", 1000));
        _groupParallelism = Math.Max(1, journalConfig.GetInt("group-commit-parallelism", 1));
        _pluginReplays = ReplayGate.From(journalConfig, "plugin-replay-parallelism");
        var provider = journalConfig.GetString("provider-name", "");
        if (journalConfig.GetBoolean("direct-sqlite-writes", false) && provider.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase))
            _writer = new SqliteGroupWriter(journalConfig, (ExtendedActorSystem)Context.System);
        else if (journalConfig.GetBoolean("direct-mysql-writes", false) &&
                 (provider.Contains("MySql", StringComparison.OrdinalIgnoreCase) || provider.Contains("MariaDB", StringComparison.OrdinalIgnoreCase)))
            _writer = new MySqlGroupWriter(journalConfig, (ExtendedActorSystem)Context.System);
    }

    protected override void PostStop()
    {
        _writer?.Dispose();
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
        var done = new TaskCompletionSource<IImmutableList<Exception>>(TaskCreationOptions.RunContinuationsAsynchronously);
        // With a direct writer, payloads are serialized here, while the previous group is being written.
        var prepared = _writer is null ? null : list.Select(_writer.Prepare).ToList();
        _queued.Add(new QueuedWrite(list, done, prepared));
        foreach (var w in list) _writesInProgress[w.PersistenceId] = done.Task;
        if (_groupsInFlight < _groupParallelism) Flush();
        return done.Task;
    }

    /// <summary>
    /// Group commit. The plugin batches rows of many writers into one transaction only while its previous transaction
    /// is still running, and on SQLite (a synchronous provider) its writing stage blocks the very stream that would
    /// gather the next batch: every entity's write was committed alone, one fsync each, so the writer spent nearly all
    /// its time in COMMIT. Here the writes that arrive while a group is being
    /// written wait in <see cref="_queued"/> and go to the plugin together as the next group: one transaction, one
    /// fsync. (group-commit-parallelism groups may be in flight at once: 1 for SQLite's single writer, more for
    /// servers.) Each writer still gets its own result; a failed group fails each of its writes (as the plugin's own
    /// batch would).
    /// </summary>
    private void Flush()
    {
        if (_queued.Count == 0) return;
        _groupsInFlight++;
        var group = new List<QueuedWrite>();
        var writes = new List<AtomicWrite>();
        var prepared = new List<JournalGroupWriter.PreparedWrite>();
        var rows = 0;
        var taken = 0;
        foreach (var q in _queued)
        {
            var size = q.Writes.Sum(w => w.Size);
            if (group.Count > 0 && rows + size > _groupRows) break;
            group.Add(q);
            writes.AddRange(q.Writes);
            if (q.Prepared is not null) prepared.AddRange(q.Prepared);
            rows += size;
            taken++;
        }
        _queued.RemoveRange(0, taken);
        var self = Self;
        Task<IImmutableList<Exception>> write;
        try
        {
            write = _writer is not null
                ? _writer.WriteAsync(prepared)
                : base.WriteMessagesAsync(writes, CancellationToken.None);
        }
        catch (Exception e)
        {
            write = Task.FromException<IImmutableList<Exception>>(e);
        }
        write.ContinueWith(t => self.Tell(new GroupWritten(group, t)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void GroupDone(GroupWritten done)
    {
        _groupsInFlight--;
        var t = done.Write;
        var offset = 0;
        foreach (var q in done.Group)
        {
            if (t.IsFaulted) q.Done.TrySetException(t.Exception!.InnerExceptions);
            else if (t.IsCanceled) q.Done.TrySetCanceled();
            else if (t.Result is not { } results) q.Done.TrySetResult(null!);
            else
            {
                var mine = results.Skip(offset).Take(q.Writes.Count).ToImmutableList();
                q.Done.TrySetResult(mine.All(e => e is null) ? null! : mine);
            }
            offset += q.Writes.Count;
            foreach (var w in q.Writes)
                if (_writesInProgress.TryGetValue(w.PersistenceId, out var latest) && latest == q.Done.Task)
                    _writesInProgress.Remove(w.PersistenceId);
        }
        Flush();
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is GroupWritten done)
        {
            GroupDone(done);
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
            : PluginReplayAsync(context, persistenceId, fromSequenceNr, toSequenceNr, max, recoveryCallback);

    /// <summary>
    /// The plugin's replay takes a pooled connection per entity. When a member takes over a few thousand agents at once
    /// (max-concurrent-recoveries is 1000 for the calls' sake), that many replays asked the pool (100 connections by
    /// default) at the same moment; those still waiting after the connection timeout failed, ten failures opened the
    /// journal's circuit breaker, and every recovery and write of the member failed fast for a minute, the nodes'
    /// journals and action queues among them (soak run 10: ten callers never connected). At most
    /// <c>plugin-replay-parallelism</c> run at once; the rest wait here, where no timeout but the call's runs. Nodes'
    /// journals, action queues and queues (<c>urgent-replay-persistence-id-prefixes</c>) go ahead of the agents.
    /// </summary>
    private async Task PluginReplayAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr,
        long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        await _pluginReplays.EnterAsync(persistenceId).ConfigureAwait(false);
        try
        {
            await base.ReplayMessagesAsync(context, persistenceId, fromSequenceNr, toSequenceNr, max, recoveryCallback).ConfigureAwait(false);
        }
        finally
        {
            _pluginReplays.Leave();
        }
    }
}
