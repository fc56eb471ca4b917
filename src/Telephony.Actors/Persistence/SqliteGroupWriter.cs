using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Microsoft.Data.Sqlite;

namespace Telephony.Actors.Persistence;

/// <summary>
/// Writes a group of journal writes to SQLite in one transaction with one prepared INSERT, on a thread of its own
/// (SQLite blocks its caller); the rows are the plugin's (<see cref="JournalGroupWriter"/>). Why: the plugin builds
/// each multi-row INSERT as SQL text with every payload inlined as hex, which SQLite then parses on this process's CPU
/// (MariaDB parses it in its own process).
/// <para>
/// This thread is the pipeline's one serial stage (one SQLite writer), so it does only SQLite's work: payloads are
/// serialized into rows by the caller (<see cref="Prepare"/>, on the journal actor as each write arrives, while the
/// previous group is being written).
/// </para>
/// <para>
/// Checkpoints (copying the WAL into the database file, and its fsync) run on a thread and connection of their own
/// (<c>background-checkpoint</c>, on by default), woken after each commit; the writer's connection checkpoints only
/// as a backstop, past 64 MiB of WAL.
/// With SQLite's default (a checkpoint inside the commit that grows the WAL past 1,000 pages) a group of a few hundred
/// call rows grows it past that, so nearly every commit also checkpointed and COMMIT was most of the writer's busy
/// time. Durability is
/// the same: a commit is durable once its WAL frames are synced (synchronous = FULL, the default); a checkpoint only
/// moves them. Checkpoints are PASSIVE (they never wait for readers or block the writer); SQLite also checkpoints when
/// the last connection closes.
/// </para>
/// </summary>
internal sealed partial class SqliteGroupWriter : JournalGroupWriter
{
    private readonly string _connectionString;
    private readonly string _table;
    // Group writes and snapshot writes, in arrival order, on the one thread that writes this file.
    private readonly BlockingCollection<(Func<IImmutableList<Exception>> Run, TaskCompletionSource<IImmutableList<Exception>> Done)> _work = new();
    private readonly Thread _thread;
    private SqliteConnection? _connection;
    private SqliteCommand? _insert;

    private static long s_groups, s_rows, s_busyTicks, s_slow, s_longestTicks;
    private static readonly long SlowTicks = TimeSpan.FromMilliseconds(50).Ticks;

    /// <summary>What every writer of this process did so far: groups (transactions), rows, and the time spent writing
    /// them (wall clock, GC pauses and waits for a core included). A diagnostic for benchmarks: the writer is the serial
    /// stage of ingest, and how busy it is says how close the pipeline is to its limit.</summary>
    public static (long Groups, long Rows, TimeSpan Busy) Totals =>
        (Interlocked.Read(ref s_groups), Interlocked.Read(ref s_rows), TimeSpan.FromTicks(Interlocked.Read(ref s_busyTicks)));

    /// <summary>Transactions that took over 50 ms, and the longest, so far (a diagnostic like <see cref="Totals"/>:
    /// a writer waiting for SQLite's lock held by another connection shows here).</summary>
    public static (long Slow, TimeSpan Longest) Stalls =>
        (Interlocked.Read(ref s_slow), TimeSpan.FromTicks(Interlocked.Read(ref s_longestTicks)));

    public SqliteGroupWriter(Akka.Configuration.Config journalConfig, ExtendedActorSystem system) : base(journalConfig, system)
    {
        _connectionString = journalConfig.GetString("connection-string");
        _table = journalConfig.GetString("tables.journal.table-name", "journal");
        s_byConnection[_connectionString] = this;
        _thread = new Thread(Run) { IsBackground = true, Name = "telephony-sqlite-journal-writer" };
        _thread.Start();
        if (journalConfig.GetBoolean("background-checkpoint", true))
        {
            _checkpoints = new SemaphoreSlim(0, 1);
            _checkpointer = new Thread(Checkpoint) { IsBackground = true, Name = "telephony-sqlite-checkpointer" };
            _checkpointer.Start();
        }
    }

    private readonly SemaphoreSlim? _checkpoints; // released after a commit: at most one checkpoint pending
    private readonly Thread? _checkpointer;
    private static long s_checkpoints;

    /// <summary>Checkpoints run so far by every writer of this process (a diagnostic, like <see cref="Totals"/>).</summary>
    public static long Checkpoints => Interlocked.Read(ref s_checkpoints);

    private void Checkpoint()
    {
        SqliteConnection? connection = null;
        try
        {
            while (true)
            {
                _checkpoints!.Wait();
                if (_work.IsAddingCompleted) break;
                try
                {
                    if (connection is null)
                    {
                        connection = new SqliteConnection(_connectionString);
                        connection.Open();
                    }
                    using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    command.ExecuteNonQuery();
                    Interlocked.Increment(ref s_checkpoints);
                }
                catch (SqliteException)
                {
                    // Busy or failed: the frames stay in the WAL (nothing is lost) and the next commit tries again.
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private void CheckpointSoon()
    {
        if (_checkpoints is null) return;
        try
        {
            _checkpoints.Release();
        }
        catch (SemaphoreFullException)
        {
            // one is pending already: it will include this commit
        }
    }

    public override Task<IImmutableList<Exception>> WriteAsync(IReadOnlyList<PreparedWrite> writes) => Enqueue(() => TimedWrite(writes));

    private Task<IImmutableList<Exception>> Enqueue(Func<IImmutableList<Exception>> run)
    {
        var done = new TaskCompletionSource<IImmutableList<Exception>>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _work.Add((run, done));
        }
        catch (InvalidOperationException e)
        {
            done.SetException(new ObjectDisposedException("the journal writer has stopped", e));
        }
        return done.Task;
    }

    private void Run()
    {
        foreach (var (run, done) in _work.GetConsumingEnumerable())
        {
            try
            {
                var result = run();
                CheckpointSoon();
                done.SetResult(result);
            }
            catch (Exception e)
            {
                Reset(); // a broken connection or statement is made again for the next group
                done.SetException(e);
            }
        }
        Reset();
    }

    private IImmutableList<Exception> TimedWrite(IReadOnlyList<PreparedWrite> writes)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = Write(writes);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var took = elapsed.Ticks;
        JournalInstruments.WriteSeconds.Record(elapsed.TotalSeconds);
        Interlocked.Add(ref s_busyTicks, took);
        if (took > SlowTicks) Interlocked.Increment(ref s_slow);
        if (took > Interlocked.Read(ref s_longestTicks)) Interlocked.Exchange(ref s_longestTicks, took);
        Interlocked.Increment(ref s_groups);
        return result;
    }

    /// <summary>Null when every write succeeded; else one entry per write (its rejection, or null). A database error
    /// throws: the whole group failed.</summary>
    private IImmutableList<Exception> Write(IReadOnlyList<PreparedWrite> writes)
    {
        var insert = Prepare();
        var now = DateTime.UtcNow.Ticks; // "created" of rows without a timestamp: when written, as the plugin does
        var rows = 0L;
        using (var tx = _connection!.BeginTransaction())
        {
            insert.Transaction = tx;
            foreach (var w in writes)
            {
                if (w.Rows is null) continue;
                foreach (var r in w.Rows)
                {
                    insert.Parameters[0].Value = r.PersistenceId;
                    insert.Parameters[1].Value = r.SequenceNr;
                    insert.Parameters[2].Value = r.Created == 0 ? now : r.Created;
                    insert.Parameters[3].Value = r.Tags;
                    insert.Parameters[4].Value = r.Message;
                    insert.Parameters[5].Value = r.Identifier;
                    insert.Parameters[6].Value = r.Manifest;
                    insert.Parameters[7].Value = (object?)r.Writer ?? DBNull.Value;
                    insert.ExecuteNonQuery();
                    rows++;
                }
            }
            tx.Commit();
        }
        Interlocked.Add(ref s_rows, rows);
        return Results(writes);
    }

    private SqliteCommand Prepare()
    {
        if (_insert is not null) return _insert;
        var connection = Connection();
        var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO " + _table + " (deleted, persistence_id, sequence_number, created, tags, message, identifier, manifest, writer_uuid) " +
            "VALUES (0, $pid, $seq, $created, $tags, $message, $identifier, $manifest, $writer)";
        command.Parameters.Add("$pid", SqliteType.Text);
        command.Parameters.Add("$seq", SqliteType.Integer);
        command.Parameters.Add("$created", SqliteType.Integer);
        command.Parameters.Add("$tags", SqliteType.Text);
        command.Parameters.Add("$message", SqliteType.Blob);
        command.Parameters.Add("$identifier", SqliteType.Integer);
        command.Parameters.Add("$manifest", SqliteType.Text);
        command.Parameters.Add("$writer", SqliteType.Text);
        command.Prepare();
        return _insert = command;
    }

    /// <summary>The writer's connection, opened (and configured) when first needed and after a failure.</summary>
    private SqliteConnection Connection()
    {
        if (_connection is not null) return _connection;
        _connection = new SqliteConnection(_connectionString);
        _connection.Open();
        using (var busy = _connection.CreateCommand())
        {
            // While another connection holds the write lock (a second process, a tool), SQLite's own busy handler
            // waits for it in steps of 1-100 ms for up to a second; only then does Microsoft.Data.Sqlite's retry take
            // over, which sleeps 150 ms at a time until the command timeout (the failure time is unchanged).
            busy.CommandText = "PRAGMA busy_timeout = 1000";
            busy.ExecuteNonQuery();
        }
        if (_checkpoints is not null)
        {
            using var pragma = _connection.CreateCommand();
            // This connection checkpoints only past 16,384 pages (64 MiB of WAL), instead of SQLite's 1,000: the
            // checkpointer does it after each commit. The backstop matters under writes without a pause: a passive
            // checkpoint running beside the writer cannot let the WAL start over (new frames keep arriving), one inside
            // a commit can.
            pragma.CommandText = "PRAGMA wal_autocheckpoint=16384";
            pragma.ExecuteNonQuery();
        }
        return _connection;
    }

    private void Reset()
    {
        _insert?.Dispose();
        _insert = null;
        _connection?.Dispose();
        _connection = null;
    }

    public override void Dispose()
    {
        s_byConnection.TryRemove(new KeyValuePair<string, SqliteGroupWriter>(_connectionString, this));
        _work.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(10));
        if (_checkpointer is not null)
        {
            CheckpointSoon(); // wakes it to see that adding completed
            _checkpointer.Join(TimeSpan.FromSeconds(10));
        }
    }
}
