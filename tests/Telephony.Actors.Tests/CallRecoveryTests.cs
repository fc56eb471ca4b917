using System.Data.Common;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Telephony.Actors.Calls;
using Telephony.Actors.Hosting;
using Telephony.Actors.Persistence;

namespace Telephony.Actors.Tests;

/// <summary>The fast start path of call entities (batched recovery reads in <see cref="TelephonySqlJournal"/>) and
/// the single write of a call's last events with its billing record: what is journaled and recovered must be exactly
/// what the plugin's own path gave.</summary>
public class CallRecoveryTests
{
    private const string Node = "pbx9";

    private static KeyValuePair<string, string>[] Cel(string linkedId, int n, string eventName) =>
    [
        new("Event", "CEL"), new("EventName", eventName), new("UniqueID", $"{linkedId}-{n % 3}"), new("LinkedID", linkedId),
        new("EventTime", $"2026-11-22 10:00:{n:00}.000000"), new("Channel", $"PJSIP/10{n % 3}-0000000{n}"),
    ];

    private static List<RecordedEvent> Events(string linkedId, int from, int to, bool end)
    {
        var list = new List<RecordedEvent>();
        for (var n = from; n < to; n++)
            list.Add(new RecordedEvent(RecordedEventKind.Cel, $"{linkedId}#{n}", DateTimeOffset.UtcNow,
                Cel(linkedId, n, n == from && from == 0 ? "CHAN_START" : "ANSWER")));
        if (end)
            list.Add(new RecordedEvent(RecordedEventKind.Cel, $"{linkedId}#end", DateTimeOffset.UtcNow, Cel(linkedId, to, "LINKEDID_END")));
        return list;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task Hundreds_of_calls_restarted_at_once_recover_everything_and_a_redelivery_adds_nothing(string provider)
    {
        var journal = await TestJournal.CreateAsync(provider);
        const int calls = 300;
        var ids = Enumerable.Range(0, calls).Select(i => $"17000000{i:000}.1").ToList();
        var first = ids.Select((id, i) => new RecordCallEvents(Node, id, 2L * i + 1, Events(id, 0, 5, end: false))).ToList();
        var last = ids.Select((id, i) => new RecordCallEvents(Node, id, 2L * i + 2, Events(id, 5, 9, end: true))).ToList();

        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal)))
        {
            var region = host.Registry.Get<CallRegion>();
            var acks = await Task.WhenAll(first.Select(c => region.Ask<CallEventsAccepted>(c, TimeSpan.FromSeconds(30))));
            Assert.All(acks, a => Assert.Equal((5, 0), (a.Persisted, a.Duplicates)));
            acks = await Task.WhenAll(last.Select(c => region.Ask<CallEventsAccepted>(c, TimeSpan.FromSeconds(30))));
            Assert.All(acks, a => Assert.Equal((5, 0), (a.Persisted, a.Duplicates)));
        }

        // Rows as the call entity wrote them: events, then the last events and the billing record right after them.
        var rows = await RowsAsync(journal, "call/" + CallEntityId.Of(Node, ids[7]));
        Assert.Equal([(1L, "cel"), (2L, "cel"), (3L, "billing")], rows);

        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal)))
        {
            var region = host.Registry.Get<CallRegion>();
            // Every call starts at the same moment: their recoveries are answered in batches.
            var views = await Task.WhenAll(ids.Select(id => region.Ask<CallStateView>(new GetCallState(Node, id), TimeSpan.FromSeconds(60))));
            Assert.All(views, v =>
            {
                Assert.Equal(10, v.CelCount);
                Assert.True(v.LinkedIdEnded);
                Assert.Equal(1, v.Revision);
                Assert.Equal("linkedid-end", v.CompletionReason);
            });

            // The node redelivers everything (a reconnect, a timeout): nothing is journaled twice, no amendment.
            var acks = await Task.WhenAll(first.Concat(last).Select(c => region.Ask<CallEventsAccepted>(c, TimeSpan.FromSeconds(30))));
            Assert.All(acks, a => Assert.Equal(0, a.Persisted));
            Assert.Equal(calls * 10, acks.Sum(a => a.Duplicates));
        }
        Assert.Equal(calls * 3, await CountAsync(journal, "call/%"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task Two_members_holding_the_same_call_never_journal_an_event_twice(string provider)
    {
        // Split brain: two members each start the same call entity on one journal. Both recover an empty call, so both
        // would write sequence number 1. The unique key (persistence_id, sequence_number) lets only one of them: the
        // other write fails, that entity stops unacknowledged, and the incarnation that takes the node's redelivery
        // recovers the first member's row and journals only what is new. There is never a second row for a sequence
        // number, which is why the journal runs without Akka's replay filter (hocon/persistence-*.conf).
        var journal = await TestJournal.CreateAsync(provider);
        const string id = "1763900000.7";
        // A call woken by a query that finds nothing leaves after passivate-after-recovery: here both must stay, each
        // holding the empty call, until the second write.
        var options = TelephonyHost.OptionsFor(journal);
        options = options with { ExtraHocon = options.ExtraHocon + "\ntelephony.calls.passivate-after-recovery = 60s" };
        await using var a = await TelephonyHost.StartAsync(options);
        await using var b = await TelephonyHost.StartAsync(options);
        var regionA = a.Registry.Get<CallRegion>();
        var regionB = b.Registry.Get<CallRegion>();
        Assert.Equal(0, (await regionA.Ask<CallStateView>(new GetCallState(Node, id), TimeSpan.FromSeconds(30))).CelCount);
        Assert.Equal(0, (await regionB.Ask<CallStateView>(new GetCallState(Node, id), TimeSpan.FromSeconds(30))).CelCount);

        var ack = await regionA.Ask<CallEventsAccepted>(new RecordCallEvents(Node, id, 1, Events(id, 0, 3, end: false)), TimeSpan.FromSeconds(30));
        Assert.Equal((3, 0), (ack.Persisted, ack.Duplicates));

        // Events #2..#5 through the other member: #2 is a copy of one the first member journaled, the rest are new.
        // Its entity still holds the empty call, writes sequence number 1 again and is refused: no acknowledgement.
        var fromB = new RecordCallEvents(Node, id, 1, Events(id, 2, 6, end: false));
        await Assert.ThrowsAsync<AskTimeoutException>(() => regionB.Ask<CallEventsAccepted>(fromB, TimeSpan.FromSeconds(3)));
        ack = await regionB.Ask<CallEventsAccepted>(fromB, TimeSpan.FromSeconds(30)); // the node's redelivery
        Assert.Equal((3, 1), (ack.Persisted, ack.Duplicates));

        Assert.Equal([(1L, "cel"), (2L, "cel")], await RowsAsync(journal, "call/" + CallEntityId.Of(Node, id)));
        Assert.Equal(6, (await regionB.Ask<CallStateView>(new GetCallState(Node, id), TimeSpan.FromSeconds(30))).CelCount);
    }

    [Fact]
    public async Task Acknowledgements_deferred_while_nothing_else_is_written_do_not_open_the_circuit_breaker()
    {
        var journal = TestJournal.Sqlite();
        var options = TelephonyHost.OptionsFor(journal) with
        {
            ExtraHocon = TelephonyHost.OptionsFor(journal).ExtraHocon + "\nakka.persistence.journal.sql.circuit-breaker { max-failures = 2, reset-timeout = 30s }",
        };
        await using var host = await TelephonyHost.StartAsync(options);
        var probe = host.System.ActorOf(Props.Create(() => new DeferringActor("deferring-1")));
        // Each Persist handler defers its reply five times over: five journal batches in a row with no event in them.
        for (var i = 0; i < 6; i++)
            Assert.Equal(i + 1, await probe.Ask<long>(i, TimeSpan.FromSeconds(10)));
        // The journal still writes and still recovers (an open breaker would fail both fast).
        var again = host.System.ActorOf(Props.Create(() => new DeferringActor("deferring-1")));
        Assert.Equal(7, await again.Ask<long>(99, TimeSpan.FromSeconds(10)));
    }

    private sealed class DeferringActor : ReceivePersistentActor
    {
        public DeferringActor(string id)
        {
            PersistenceId = id;
            Recover<int>(_ => { });
            Command<int>(n =>
            {
                var sender = Sender;
                // Deferrals chained from handlers: each goes to the journal alone, one after the other.
                void Chain(int left)
                {
                    if (left == 0) sender.Tell(LastSequenceNr);
                    else DeferAsync(left - 1, Chain);
                }
                Persist(n, _ => Chain(5));
            });
        }

        public override string PersistenceId { get; }
    }

    [Fact]
    public async Task A_query_for_an_unknown_call_or_a_completed_one_does_not_keep_it_in_memory()
    {
        var journal = await TestJournal.CreateAsync("sqlite");
        const string done = "1700000999.1";
        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal)))
        {
            var ack = await host.Registry.Get<CallRegion>().Ask<CallEventsAccepted>(
                new RecordCallEvents(Node, done, 1, Events(done, 0, 5, end: true)), TimeSpan.FromSeconds(30));
            Assert.Equal(6, ack.Persisted);
        }

        // A restarted host: `call show` of a completed call and of one that never existed wake their entities.
        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal)))
        {
            var region = host.Registry.Get<CallRegion>();
            var completed = await region.Ask<CallStateView>(new GetCallState(Node, done), TimeSpan.FromSeconds(30));
            var unknown = await region.Ask<CallStateView>(new GetCallState(Node, "1700000000.404"), TimeSpan.FromSeconds(30));
            Assert.Equal((6, 1), (completed.CelCount, completed.Revision));
            Assert.Equal((0, 0), (unknown.CelCount, unknown.Revision));

            // Both passivate after passivate-after-recovery (500 ms), not after sharding's 5-minute idle timeout.
            var entities = -1;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                var state = await region.Ask<Akka.Cluster.Sharding.CurrentShardRegionState>(
                    Akka.Cluster.Sharding.GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
                entities = state.Shards.Sum(sh => sh.EntityIds.Count);
                if (entities == 0) break;
                await Task.Delay(250);
            }
            Assert.Equal(0, entities);
        }
    }

    [Fact]
    public async Task A_call_stopped_while_its_write_is_in_flight_still_acknowledges_what_it_journaled()
    {
        // Passivation and sharding's hand-off stop a call entity with StopCall. It must wait for a write in flight:
        // PoisonPill stopped the entity between the write and its handler, so the events were journaled and never
        // acknowledged (seen in the ingest benchmark as one event short of the total, for good).
        var journal = TestJournal.Sqlite();
        await using var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal));
        var settings = CallSettings.From(host.System.Settings.Config);
        for (var i = 0; i < 20; i++)
        {
            var id = $"17000002{i:00}.1";
            var entity = host.System.ActorOf(CallEntity.Props(CallEntityId.Of(Node, id), settings, _ => TimeZoneInfo.Utc));
            var probe = new Akka.TestKit.Xunit2.TestKit(host.System);
            probe.Watch(entity);
            // Both are in the mailbox before the entity has recovered: the stop is the next message after the write.
            entity.Tell(new RecordCallEvents(Node, id, 1, Events(id, 0, 4, end: i % 2 == 0)), probe.TestActor);
            entity.Tell(StopCall.Instance);
            var ack = probe.ExpectMsg<CallEventsAccepted>(TimeSpan.FromSeconds(30));
            Assert.Equal((i % 2 == 0 ? 5 : 4, 0), (ack.Persisted, ack.Duplicates));
            probe.ExpectTerminated(entity, TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task A_billed_call_recognises_copies_in_place_and_a_late_event_amends_it_from_its_whole_history()
    {
        // A billed call lets go of its events and keeps their identities. A copy is answered in place; a new event
        // makes the entity give way to a fresh incarnation that recovers the whole call, journals the event once and
        // the amendment it causes, and answers the node.
        var journal = TestJournal.Sqlite();
        const string id = "1700000777.1";
        var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal));
        try
        {
            var region = host.Registry.Get<CallRegion>();
            var timeout = TimeSpan.FromSeconds(30);
            var first = new RecordCallEvents(Node, id, 1, Events(id, 0, 5, end: true));
            var ack = await region.Ask<CallEventsAccepted>(first, timeout);
            Assert.Equal((6, 0), (ack.Persisted, ack.Duplicates));

            var path = $"/system/sharding/call/*/{Uri.EscapeDataString(CallEntityId.Of(Node, id))}";
            var billed = await host.System.ActorSelection(path).ResolveOne(timeout);
            var probe = new Akka.TestKit.Xunit2.TestKit(host.System);
            probe.Watch(billed);

            ack = await region.Ask<CallEventsAccepted>(first with { DeliveryId = 2 }, timeout);
            Assert.Equal((0, 6), (ack.Persisted, ack.Duplicates));
            Assert.Equal(billed, await host.System.ActorSelection(path).ResolveOne(timeout)); // answered in place

            // The caller's channel hangs up 35 s later than anything seen so far: the call ends later than billed.
            var headers = Cel(id, 0, "HANGUP"); // the channel that started the call
            headers[4] = new("EventTime", "2026-11-22 10:00:40.000000");
            var hangup = new RecordedEvent(RecordedEventKind.Cel, $"{id}#late", DateTimeOffset.UtcNow, headers);
            var late = new RecordCallEvents(Node, id, 3, [hangup]);
            ack = await region.Ask<CallEventsAccepted>(late, timeout);
            Assert.Equal((1, 0), (ack.Persisted, ack.Duplicates));
            probe.ExpectTerminated(billed, timeout);
            ack = await region.Ask<CallEventsAccepted>(late with { DeliveryId = 4 }, timeout);
            Assert.Equal((0, 1), (ack.Persisted, ack.Duplicates));

            var pid = "call/" + CallEntityId.Of(Node, id);
            Assert.Equal([(1L, "cel"), (2L, "billing"), (3L, "cel"), (4L, "billing")], await RowsAsync(journal, pid));
            var revisions = (await host.ReadTagAsync(CallTags.Billing)).Where(e => e.PersistenceId == pid)
                .Select(e => (CallCompleted)e.Event).ToList();
            Assert.Equal([1, 2], revisions.Select(c => c.Revision));
            var (before, after) = (revisions[0].Records.Single(), revisions[1].Records.Single());
            // Derived from every event, not from the late one alone: the start is still the first event's.
            Assert.Equal(before.Start, after.Start);
            Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero), after.Start);
            Assert.True(after.End > before.End, $"amended end {after.End:O} after {before.End:O}");
            var view = await region.Ask<CallStateView>(new GetCallState(Node, id), timeout);
            Assert.Equal((7, 2), (view.CelCount, view.Revision));

            // Late Cdr change nothing billable (billing is derived from CEL): each is journaled and answered, with no
            // amendment. The second comes after one that changed nothing, which is journaled but not billed: had the
            // call let go of its events then, the second would wake an incarnation that finds the first unbilled,
            // lets go again and passes the second on, for ever. The third comes after a restart.
            for (var n = 1; n <= 3; n++)
            {
                if (n == 3)
                {
                    await host.DisposeAsync();
                    host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(journal));
                    region = host.Registry.Get<CallRegion>();
                }
                var cdr = new RecordedEvent(RecordedEventKind.Cdr, $"{id}#cdr{n}", DateTimeOffset.UtcNow,
                    [new("Event", "Cdr"), new("UniqueID", $"{id}-{n}"), new("Disposition", "ANSWERED")]);
                ack = await region.Ask<CallEventsAccepted>(new RecordCallEvents(Node, id, 4 + n, [cdr]), timeout);
                Assert.Equal((1, 0), (ack.Persisted, ack.Duplicates));
            }
            view = await region.Ask<CallStateView>(new GetCallState(Node, id), timeout);
            Assert.Equal((7, 3, 2), (view.CelCount, view.CdrCount, view.Revision));
            Assert.Equal(4 + 3, (await RowsAsync(journal, pid)).Count);
        }
        finally
        {
            await host.DisposeAsync(); // the host started last
        }
    }

    [Fact]
    public async Task The_direct_SQLite_writer_writes_the_plugins_rows_column_for_column_and_they_recover()
    {
        // The same calls journaled once through SqliteGroupWriter (the SQLite default) and once through the plugin's
        // own write path: every column but the auto-increment ordering, the clock and the writer id must be equal.
        var direct = TestJournal.Sqlite();
        var plugin = TestJournal.Sqlite();
        var ids = Enumerable.Range(0, 20).Select(i => $"17000001{i:00}.1").ToList();
        var deliveries = ids.Select((id, i) => new RecordCallEvents(Node, id, 1, Events(id, 0, 3 + i % 4, end: i % 2 == 0))).ToList();
        foreach (var (journal, hocon) in new[] { (direct, ""), (plugin, "akka.persistence.journal.sql.direct-sqlite-writes = off") })
        {
            var options = TelephonyHost.OptionsFor(journal);
            await using var host = await TelephonyHost.StartAsync(options with { ExtraHocon = options.ExtraHocon + "\n" + hocon });
            var region = host.Registry.Get<CallRegion>();
            await Task.WhenAll(deliveries.Select(d => region.Ask<CallEventsAccepted>(d, TimeSpan.FromSeconds(30))));
        }

        var directRows = await AllRowsAsync(direct);
        Assert.Equal(await AllRowsAsync(plugin), directRows);
        Assert.Equal(20 + 10, directRows.Count); // an events row per call, a billing row per ended call
        Assert.Contains(directRows, r => r.Tags == ";cel;");
        Assert.Contains(directRows, r => r.Tags == ";billing;");

        // And what the direct writer wrote recovers through the plugin's read side.
        await using (var host = await TelephonyHost.StartAsync(TelephonyHost.OptionsFor(direct)))
        {
            var view = await host.Registry.Get<CallRegion>().Ask<CallStateView>(new GetCallState(Node, ids[2]), TimeSpan.FromSeconds(30));
            Assert.Equal((6, true, 1), (view.CelCount, view.LinkedIdEnded, view.Revision));
            Assert.Equal(1, (await host.ReadTagAsync(CallTags.Billing)).Count(e => e.PersistenceId == "call/" + CallEntityId.Of(Node, ids[2])));
        }
    }

    private sealed record JournalRowView(string PersistenceId, long SequenceNr, bool Deleted, string Tags, string Message, long Identifier,
        string Manifest);

    private static async Task<List<JournalRowView>> AllRowsAsync(TestJournal journal)
    {
        await using var connection = JournalSchema.Open(journal.Provider, journal.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id, sequence_number, deleted, tags, message, identifier, manifest FROM journal " +
                              "ORDER BY persistence_id, sequence_number";
        var rows = new List<JournalRowView>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var message = (byte[])reader.GetValue(4);
            // Billing rows carry the instant the call completed (fixed-width ticks): compare their length, not that instant.
            var payload = reader.GetString(6) == "ccp1" ? $"{message.Length} bytes" : Convert.ToBase64String(message);
            rows.Add(new JournalRowView(reader.GetString(0), Convert.ToInt64(reader.GetValue(1)), Convert.ToInt64(reader.GetValue(2)) != 0,
                reader.GetString(3), payload, Convert.ToInt64(reader.GetValue(5)), reader.GetString(6)));
        }
        return rows;
    }

    private static async Task<List<(long, string)>> RowsAsync(TestJournal journal, string persistenceId)
    {
        await using var connection = JournalSchema.Open(journal.Provider, journal.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence_number, tags FROM journal WHERE persistence_id = @p ORDER BY sequence_number";
        AddParameter(command, "@p", persistenceId);
        var rows = new List<(long, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((Convert.ToInt64(reader.GetValue(0)), reader.GetString(1).Trim(';')));
        return rows;
    }

    private static async Task<long> CountAsync(TestJournal journal, string pattern)
    {
        await using var connection = JournalSchema.Open(journal.Provider, journal.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE @p";
        AddParameter(command, "@p", pattern);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
