using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Hosting;
using Telephony.Actors.Calls;
using Telephony.Actors.Hosting;
using Telephony.Actors.Nodes;
using Telephony.Ami.Client;
using Telephony.Ami.Protocol;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Identity;
using Telephony.Simulator;
using Xunit.Abstractions;

namespace Telephony.Actors.Tests;

/// <summary>
/// A busy PBX: hundreds of calls in progress at once, their events interleaved on one AMI connection and arriving in
/// one burst. A call's later events wait while its earlier delivery is being journaled and then leave together, so
/// the node must keep each call's events in the order Asterisk sent them, journal every one exactly once, and batch
/// (fewer journal rows than events).
/// </summary>
public class InterleavedCallsTests(ITestOutputHelper output)
{
    private static readonly Regex UniqueId = new(@"\b1\d{9}\.\d+\b", RegexOptions.Compiled);

    [Theory]
    [InlineData("sqlite", 0)]
    [InlineData("mariadb", 0)]
    [InlineData("sqlite", 7)] // a tiny in-flight limit: nearly every call waits for its turn to send
    public async Task Interleaved_calls_are_journaled_once_each_in_AMI_order_per_call_and_batched(string provider, int inFlightLimit)
    {
        const int calls = 300, concurrent = 150;
        var (bytes, expectedByCall) = BuildBurst(calls, concurrent);
        var total = expectedByCall.Values.Sum(v => v.Count);
        await using var sim = await AsteriskSimulator.StartAsync(new SimulatorOptions
        {
            Port = 0, ReplayBytes = bytes, ReplayAnswersLogin = true, ReplayCloseAtEnd = false,
        });
        var journal = await TestJournal.CreateAsync(provider);
        var node = new AsteriskNodeSettings
        {
            Name = "pbx1", Host = "127.0.0.1", Port = sim.Port, Username = "admin", Secret = "secret",
            AuthType = AmiAuthType.Md5, TimeZone = TimeZoneInfo.Utc,
            KeepAliveInterval = TimeSpan.Zero, // the replay answers the login only
        };
        var options = TelephonyHost.OptionsFor(journal, node);
        if (inFlightLimit > 0) options = options with { ExtraHocon = options.ExtraHocon + $"\ntelephony.nodes.in-flight-limit = {inFlightLimit}" };
        await using var host = await TelephonyHost.StartAsync(options);
        var region = host.Registry.Get<NodeRegion>();
        async Task<NodeStatus> Status() =>
            await region.Ask<NodeStatus>(new NodeCommand("pbx1", NodeCommandKind.GetStatus), TimeSpan.FromSeconds(5));
        await IngestScenarioTests.WaitUntil(async () => (await Status()).EventsJournaled >= total,
            $"all {total} events of {calls} interleaved calls journaled", 120);

        var rows = (await host.ReadTagAsync(CallTags.Cel)).Concat(await host.ReadTagAsync(CallTags.Cdr))
            .DistinctBy(e => (e.PersistenceId, e.SequenceNr)) // a row with CEL and Cdr comes back under both tags
            .OrderBy(e => e.PersistenceId, StringComparer.Ordinal).ThenBy(e => e.SequenceNr)
            .ToList();
        var journaledByCall = rows.GroupBy(e => ((CallEventsRecorded)e.Event).LinkedId)
            .ToDictionary(g => g.Key, g => g.SelectMany(e => ((CallEventsRecorded)e.Event).Events).Select(x => x.Identity).ToList());
        var eventRows = rows.Count;
        output.WriteLine($"{provider}: {total} events of {calls} calls in {eventRows} journal rows " +
                         $"({(double)total / eventRows:F1} events per row), status {await Status()}");

        Assert.Equal(expectedByCall.Keys.Order(), journaledByCall.Keys.Order());
        foreach (var (linkedId, expected) in expectedByCall)
            Assert.Equal(expected, journaledByCall[linkedId]); // every event once, in the order Asterisk sent them
        Assert.True(eventRows < total, $"a burst should be batched: {eventRows} rows for {total} events");
        var status = await Status();
        Assert.Equal(0, status.Quarantined);
        Assert.Equal(0, status.EventsInFlight);
        Assert.Equal(0, status.CallsWaiting);
        if (inFlightLimit > 0)
        {
            // Sending stops at the limit; the delivery that crosses it carries at most the rest of one call.
            var longestCall = expectedByCall.Values.Max(v => v.Count);
            Assert.Equal(inFlightLimit, status.EventsInFlightLimit);
            Assert.InRange(status.EventsInFlightPeak, 1, inFlightLimit - 1 + longestCall);
        }
    }

    /// <summary><paramref name="calls"/> copies of the captured calls with fresh ids, <paramref name="concurrent"/> in
    /// progress at once, the next event taken round-robin over them; and per LinkedID the identities in AMI order.</summary>
    private static (byte[] Bytes, Dictionary<string, List<string>> ExpectedByCall) BuildBurst(int calls, int concurrent)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures");
        var templates = new[] { "answered.ami", "dial-answered.ami", "busy.ami", "queue-answered.ami", "originate-application.ami" }
            .Select(f => new AmiParser().ParseAll(File.ReadAllBytes(Path.Combine(dir, f)))
                .Where(m => m.EventName is "CEL" or "Cdr")
                .Select(m => m.Headers.ToArray())
                .ToList())
            .ToList();
        var expected = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var active = new List<(List<KeyValuePair<string, string>[]> Events, int Next)>();
        var text = new StringBuilder("Asterisk Call Manager/9.0.0\r\n");
        var linkedOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var started = 0;
        while (true)
        {
            while (active.Count < concurrent && started < calls)
            {
                var call = started++;
                var ids = new Dictionary<string, string>(StringComparer.Ordinal);
                var events = templates[call % templates.Count]
                    .Select(h => h.Select(kv => new KeyValuePair<string, string>(kv.Key, UniqueId.Replace(kv.Value, m =>
                    {
                        if (!ids.TryGetValue(m.Value, out var id))
                            ids[m.Value] = id = (1_800_000_000 + call).ToString(CultureInfo.InvariantCulture) + "." + ids.Count.ToString(CultureInfo.InvariantCulture);
                        return id;
                    }))).ToArray())
                    .ToList();
                active.Add((events, 0));
            }
            if (active.Count == 0) break;
            for (var i = 0; i < active.Count; i++)
            {
                var (events, next) = active[i];
                var headers = events[next];
                foreach (var (k, v) in headers) text.Append(k).Append(": ").Append(v).Append("\r\n");
                text.Append("\r\n");
                var isCel = headers.Any(h => h.Key == "Event" && h.Value == "CEL");
                string linkedId, identity;
                if (isCel)
                {
                    var cel = CelEventFactory.Parse(headers, TimeZoneInfo.Utc).GetValueOrThrow();
                    linkedOf.TryAdd(cel.UniqueId, cel.LinkedId);
                    (linkedId, identity) = (cel.LinkedId, EventIdentity.ForCel(cel).Value);
                }
                else
                {
                    var cdr = CdrRecordFactory.Parse(headers, TimeZoneInfo.Utc).GetValueOrThrow();
                    // As the node routes it: the mapped LinkedID, else the LinkedID its channel's CEL carried.
                    linkedId = string.IsNullOrEmpty(cdr.LinkedId) ? linkedOf[cdr.UniqueId] : cdr.LinkedId;
                    identity = EventIdentity.ForCdr(cdr).Value;
                }
                if (!expected.TryGetValue(linkedId, out var list)) expected[linkedId] = list = [];
                list.Add(identity);
                active[i] = (events, next + 1);
            }
            active.RemoveAll(a => a.Next >= a.Events.Count);
        }
        return (Encoding.UTF8.GetBytes(text.ToString()), expected);
    }
}
