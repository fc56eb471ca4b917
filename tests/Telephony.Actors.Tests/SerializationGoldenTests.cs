using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Telephony.Actors.Calls;
using Telephony.Actors.Nodes;
using Telephony.Actors.Serialization;
using Telephony.Ami.Protocol;
using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Cel;

namespace Telephony.Actors.Tests;

/// <summary>
/// Every persisted event and cluster message goes through <see cref="TelephonySerializer"/> with a stable manifest.
/// The golden files in tests/fixtures/golden were written by an earlier build: they must keep reading back to the same
/// values, or a journal written today becomes unreadable after an upgrade. Regenerate (only for a NEW manifest) with
/// TELEPHONY_WRITE_GOLDEN=1.
/// </summary>
public class SerializationGoldenTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly string GoldenDirectory = Path.Combine(AppContext.BaseDirectory, "fixtures", "golden");

    public SerializationGoldenTests() : base(ConfigurationFactory.ParseString(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", "telephony.conf"))).WithFallback(
        ConfigurationFactory.ParseString("akka.actor.provider = local")))
    {
    }

    public static TheoryData<string> Samples => new(SampleMessages().Keys);

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_message_written_by_an_earlier_build_reads_back_to_the_same_value(string name)
    {
        var expected = SampleMessages()[name];
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(expected);
        Assert.IsType<TelephonySerializer>(serializer);
        var manifest = serializer.Manifest(expected);
        var path = Path.Combine(GoldenDirectory, $"{name}.{manifest}.bin");
        if (Environment.GetEnvironmentVariable("TELEPHONY_WRITE_GOLDEN") == "1")
        {
            var source = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "fixtures", "golden"));
            Directory.CreateDirectory(source);
            File.WriteAllBytes(Path.Combine(source, Path.GetFileName(path)), serializer.ToBinary(expected));
        }
        Assert.True(File.Exists(path), $"golden file {Path.GetFileName(path)} is missing (manifest '{manifest}' changed?)");

        var golden = File.ReadAllBytes(path);
        var actual = serializer.FromBinary(golden, manifest);

        Assert.Equal(Describe(expected), Describe(actual));
        Assert.Equal(golden, serializer.ToBinary(actual)); // the layout itself did not drift
    }

    /// <summary>Manifests no longer written whose golden files must still read: journals hold rows written with them.</summary>
    public static TheoryData<string, string> Superseded => new()
    {
        { "call-events-recorded", "cer1" }, // a decoded header list per event; cer2 keeps the AMI bytes as received
        { "record-call-events", "rce1" },
    };

    [Theory]
    [MemberData(nameof(Superseded))]
    public void A_row_in_a_superseded_layout_still_reads_back_to_the_same_value(string name, string manifest)
    {
        var expected = SampleMessages()[name];
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(expected);
        Assert.NotEqual(manifest, serializer.Manifest(expected));
        var actual = serializer.FromBinary(File.ReadAllBytes(Path.Combine(GoldenDirectory, $"{name}.{manifest}.bin")), manifest);
        Assert.Equal(Describe(expected), Describe(actual));
    }

    [Fact]
    public void An_event_from_a_manager_connection_is_journaled_as_the_bytes_it_arrived_in()
    {
        var capture = new AmiParser().ParseAll(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures", "answered.ami")));
        var cel = capture.First(m => m.EventName == "CEL");
        var recorded = new CallEventsRecorded("pbx1", cel["LinkedID"]!, [new RecordedEvent(RecordedEventKind.Cel, "cel1:0", DateTimeOffset.UnixEpoch, cel)]);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(recorded);

        var bytes = serializer.ToBinary(recorded);
        var raw = cel.RawBytes.ToArray();
        Assert.True(bytes.AsSpan().IndexOf(raw) > 0, "the payload holds the message bytes as received");

        var back = Assert.IsType<CallEventsRecorded>(serializer.FromBinary(bytes, serializer.Manifest(recorded)));
        var e = Assert.Single(back.Events);
        Assert.Equal(raw, e.Message!.RawBytes.ToArray());
        Assert.Equal(cel.Headers, e.Headers);
        Assert.Equal(cel["UniqueID"], e.Header("uniqueid"));
        Assert.Equal("CHAN_START", e.EventName);
        Assert.Same(e.EventName, back.Events[0].EventName); // a shared string, not one per read
    }

    [Fact]
    public void A_journaled_event_whose_bytes_are_not_one_AMI_message_is_a_clear_error()
    {
        var capture = new AmiParser().ParseAll(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures", "answered.ami")));
        var cel = capture.First(m => m.EventName == "CEL");
        var recorded = new CallEventsRecorded("pbx1", "x", [new RecordedEvent(RecordedEventKind.Cel, "cel1:0", DateTimeOffset.UnixEpoch, cel)]);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(recorded);
        var bytes = serializer.ToBinary(recorded);
        // Break the blank line that ends the message: the bytes no longer hold one whole message.
        var end = bytes.AsSpan().LastIndexOf("\r\n\r\n"u8);
        bytes[end + 2] = (byte)'X';
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(bytes, serializer.Manifest(recorded)));
        Assert.Contains("does not parse", error.Message);
    }

    [Fact]
    public void Every_persisted_and_cluster_message_type_is_bound_to_our_serializer_not_the_JSON_default()
    {
        foreach (var message in SampleMessages().Values)
            Assert.IsType<TelephonySerializer>(Sys.Serialization.FindSerializerFor(message));
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(CallEventsRecorded));
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "zzz9"));
        Assert.Contains("zzz9", error.Message);
    }

    /// <summary>Values built from the real answered capture, so the payloads look like production ones.</summary>
    private static Dictionary<string, object> SampleMessages()
    {
        var capture = new AmiParser().ParseAll(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures", "answered.ami")));
        var at = new DateTimeOffset(2026, 11, 22, 22, 31, 16, TimeSpan.Zero);
        var cels = capture.Where(m => m.EventName == "CEL").ToList();
        // CEL as a manager connection delivers them (the message bytes), the Cdr as a header list: both layouts.
        var recorded = cels.Take(3).Select((m, i) => new RecordedEvent(RecordedEventKind.Cel, $"cel1:{i:x32}", at, m)).ToList();
        var cdr = capture.First(m => m.EventName == "Cdr");
        recorded.Add(new RecordedEvent(RecordedEventKind.Cdr, $"cdr1:{9:x32}", at, cdr.Headers));
        var billing = new CelBillingInterpreter().InterpretCall(cels.Select(m => CelEventFactory.Parse(m.Headers, TimeZoneInfo.Utc).Value!));
        // A record with the fields added since: exact seconds (manager Timestamps) and a call segment.
        var exact = new CelBillingInterpreter().InterpretCall(new AmiParser()
            .ParseAll(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures", "timestamps", "ts-dtmf-repeated.ami")))
            .Where(m => m.EventName == "CEL").Select(m => CelEventFactory.Parse(m.Headers, TimeZoneInfo.Utc).Value!));
        return new Dictionary<string, object>
        {
            ["call-completed-exact-with-segments"] = new CallCompleted("pbx1", exact.LinkedId, 1, "linkedid-end", at, [exact]),
            ["record-call-events"] = new RecordCallEvents("pbx1", "1795386676.0", 42, recorded),
            ["call-events-accepted"] = new CallEventsAccepted("pbx1", "1795386676.0", 42, 3, 1),
            ["call-events-recorded"] = new CallEventsRecorded("pbx1", "1795386676.0", recorded),
            // Every event as received: written into an array of its exact size (a path of its own, checked against
            // bytes the general writer produced).
            ["call-events-recorded-as-received"] = new CallEventsRecorded("pbx1", "1795386676.0",
                [.. recorded.Take(3), new RecordedEvent(RecordedEventKind.Cdr, $"cdr1:{9:x32}", at, cdr)]),
            ["record-call-events-as-received"] = new RecordCallEvents("pbx1", "1795386676.0", 42,
                [.. recorded.Take(3), new RecordedEvent(RecordedEventKind.Cdr, $"cdr1:{9:x32}", at, cdr)]),
            ["handed-over-call-events"] = new Telephony.Actors.Nodes.HandOver.HandedOverCallEvents("pbx1", "1795386676.0",
                [.. recorded.Take(3), new RecordedEvent(RecordedEventKind.Cdr, $"cdr1:{9:x32}", at, cdr)]),
            ["call-completed"] = new CallCompleted("pbx1", "1795386676.0", 2, "late-events", at, [billing]),
            ["get-call-state"] = new GetCallState("pbx1", "1795386676.0"),
            ["call-state-view"] = new CallStateView("pbx1", "1795386676.0", 11, 2, 0, true, 1, "linkedid-end"),
            ["gap-recorded"] = new GapRecorded("pbx1", at, at.AddSeconds(12), "AMI disconnected (peer closed)", -1),
            ["event-quarantined"] = new EventQuarantined("pbx1", at, "CEL rejected: LinkedID is missing", cels[0].Headers.Where(h => h.Key != "LinkedID").ToList()),
            ["node-command"] = new NodeCommand("pbx1", NodeCommandKind.EnsureConnected),
            ["node-seen"] = new NodeSeen("pbx1", at),
            ["node-journal-snapshot"] = new NodeJournalSnapshot("pbx1", at, 3, 7),
            ["node-journal-snapshot-never-seen"] = new NodeJournalSnapshot("pbx1", null, 0, 1),
            ["node-status"] = new NodeStatus
            {
                Node = "pbx1", Member = "akka.tcp://telephony@127.0.0.1:4053", AmiState = "Connected", Banner = "Asterisk Call Manager/9.0.0",
                ConnectedSince = at, EventsIn = 157, EventsPerSecond = 15.7, EventsByType = new Dictionary<string, long> { ["CEL"] = 48, ["Cdr"] = 9 },
                CelEvents = 48, CdrEvents = 9, EventsJournaled = 57, BufferUsed = 3, BufferCapacity = 200_000,
            },
        };
    }

    private static string Describe(object o) => o switch
    {
        CallCompleted c => $"{c.Node}|{c.LinkedId}|{c.Revision}|{c.Reason}|{c.CompletedAt:O}|" +
                           System.Text.Json.JsonSerializer.Serialize(c.Records, TelephonySerializer.BillingJson),
        RecordCallEvents r => $"{r.Node}|{r.LinkedId}|{r.DeliveryId}|{DescribeEvents(r.Events)}",
        CallEventsRecorded r => $"{r.Node}|{r.LinkedId}|{DescribeEvents(r.Events)}",
        Telephony.Actors.Nodes.HandOver.HandedOverCallEvents h => $"{h.Node}|{h.LinkedId}|{DescribeEvents(h.Events)}",
        EventQuarantined q => $"{q.Node}|{q.At:O}|{q.Reason}|{string.Join(";", q.Headers)}",
        NodeStatus n => System.Text.Json.JsonSerializer.Serialize(n, TelephonySerializer.BillingJson),
        _ => o.ToString()!,
    };

    private static string DescribeEvents(IEnumerable<RecordedEvent> events) =>
        string.Join("/", events.Select(e => $"{e.Kind}:{e.Identity}:{e.ReceivedAt:O}:{string.Join(";", e.Headers)}"));
}
