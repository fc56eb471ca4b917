using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Telephony.Actors.Persistence;
using Percentiles = Telephony.Benchmarks.ActionsBenchmark.Percentiles;

namespace Telephony.Benchmarks;

internal static partial class DistributionBenchmark
{
    /// <summary>
    /// The floor under the decision latency on this machine's disk, measured in the same run: a decision makes three
    /// durable writes one after the other (the agent's grant, the queue's offer, the action queue's record before the
    /// wire), each a commit the journal syncs (SQLite WAL, synchronous FULL, as the journal runs). Here: single-row
    /// commits on an idle file, and the sum of each three in a row.
    /// </summary>
    private static (Percentiles One, Percentiles Three) DurableCommitFloor(int commits = 600)
    {
        var journal = BenchJournal.Sqlite("floor.db");
        try
        {
            JournalSchema.EnsureAsync(JournalProvider.Sqlite, journal.ConnectionString).GetAwaiter().GetResult();
            using var connection = new SqliteConnection(journal.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO journal (deleted, persistence_id, sequence_number, created, tags, message, identifier, manifest, writer_uuid) " +
                                  "VALUES (0, 'agent/floor', $seq, 0, '', $message, 7173, 'x', 'floor')";
            var seq = command.Parameters.Add("$seq", SqliteType.Integer);
            command.Parameters.AddWithValue("$message", new byte[200]);
            command.Prepare();
            var ms = new List<double>(commits);
            for (var i = 1; i <= commits; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using (var tx = connection.BeginTransaction())
                {
                    command.Transaction = tx;
                    seq.Value = i;
                    command.ExecuteNonQuery();
                    tx.Commit();
                }
                ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            var threes = Enumerable.Range(0, ms.Count / 3).Select(k => ms[3 * k] + ms[3 * k + 1] + ms[3 * k + 2]);
            return (Percentiles.Of(ms), Percentiles.Of(threes));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            journal.CleanUpAsync().GetAwaiter().GetResult();
        }
    }
}
