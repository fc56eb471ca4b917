using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Telephony.Actors.Calls;
using Telephony.Actors.Nodes;
using Telephony.Domain.Billing;

namespace Telephony.Actors.Serialization;

/// <summary>
/// The one serializer of everything we persist or send between members. Each type has a short manifest that never
/// changes meaning: a new shape gets a new manifest (and the old one stays readable, proved by the golden files in
/// tests/fixtures/golden). Hot types (events of calls) are a compact binary layout; billing records are JSON inside that
/// layout with fixed, explicit options because their shape is rich and read rarely.
/// </summary>
public sealed class TelephonySerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7170;

    // rce2/cer2 keep a CEL or Cdr as the AMI bytes it arrived in (see WriteEvents); rce1/cer1 (a decoded header list
    // per event) are still read: journals written before stay readable.
    private const string RecordCallEventsManifest = "rce2";
    private const string RecordCallEventsV1 = "rce1";
    private const string CallEventsAcceptedManifest = "cea1";
    private const string CallEventsRecordedManifest = "cer2";
    private const string CallEventsRecordedV1 = "cer1";
    private const string CallCompletedManifest = "ccp1";
    private const string GetCallStateManifest = "gcs1";
    private const string CallStateViewManifest = "csv1";
    private const string GapRecordedManifest = "gap1";
    private const string EventQuarantinedManifest = "qrn1";
    private const string NodeCommandManifest = "ncm1";
    private const string NodeSeenManifest = "nsn1";
    private const string NodeStatusManifest = "nst1";
    private const string NodeJournalSnapshotManifest = "njs1";
    private const string HandedOverCallEventsManifest = "hoe1";

    internal static readonly JsonSerializerOptions BillingJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver
        {
            Modifiers = { OmitAddedFieldsAtTheirDefault },
        },
    };

    /// <summary>Fields added to the billing record after records were journaled are written only when they say
    /// something: a record without them keeps the exact bytes earlier builds wrote (the golden files), and a record
    /// read back without them gets their defaults.</summary>
    private static void OmitAddedFieldsAtTheirDefault(System.Text.Json.Serialization.Metadata.JsonTypeInfo info)
    {
        if (info.Type != typeof(BillingRecord)) return;
        foreach (var property in info.Properties)
        {
            if (property.Name == "precision")
                property.ShouldSerialize = (_, value) => value is SecondsPrecision p && p != SecondsPrecision.WholeSeconds;
            if (property.Name == "segments")
                property.ShouldSerialize = (_, value) => value is IReadOnlyCollection<CallSegment> { Count: > 0 };
        }
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        RecordCallEvents => RecordCallEventsManifest,
        CallEventsAccepted => CallEventsAcceptedManifest,
        CallEventsRecorded => CallEventsRecordedManifest,
        CallCompleted => CallCompletedManifest,
        GetCallState => GetCallStateManifest,
        CallStateView => CallStateViewManifest,
        GapRecorded => GapRecordedManifest,
        EventQuarantined => EventQuarantinedManifest,
        NodeCommand => NodeCommandManifest,
        NodeSeen => NodeSeenManifest,
        NodeStatus => NodeStatusManifest,
        NodeJournalSnapshot => NodeJournalSnapshotManifest,
        Nodes.HandOver.HandedOverCallEvents => HandedOverCallEventsManifest,
        _ => throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(TelephonySerializer)}"),
    };

    public override byte[] ToBinary(object obj)
    {
        // The hot payloads (a call's events, journaled and sent between members) are written straight into an array of
        // their exact size: a growing stream and its final copy allocated three times the payload, and allocation
        // volume is what the collector's time follows here.
        switch (obj)
        {
            case CallEventsRecorded m:
                return Exact(StringSize(m.Node) + StringSize(m.LinkedId) + EventsSize(m.Events), w =>
                {
                    w.Write(m.Node); w.Write(m.LinkedId); WriteEvents(w, m.Events);
                });
            case Nodes.HandOver.HandedOverCallEvents m:
                return Exact(StringSize(m.Node) + StringSize(m.LinkedId) + EventsSize(m.Events), w =>
                {
                    w.Write(m.Node); w.Write(m.LinkedId); WriteEvents(w, m.Events);
                });
            case RecordCallEvents m:
                return Exact(StringSize(m.Node) + StringSize(m.LinkedId) + 8 + EventsSize(m.Events), w =>
                {
                    w.Write(m.Node); w.Write(m.LinkedId); w.Write(m.DeliveryId); WriteEvents(w, m.Events);
                });
            case CallCompleted m:
            {
                // One per call. The JSON goes to UTF-8 bytes directly and is written as BinaryWriter writes a string
                // (7-bit length, then the bytes): the same bytes as before without the UTF-16 string and a growing stream.
                var json = JsonSerializer.SerializeToUtf8Bytes(m.Records, BillingJson);
                return Exact(StringSize(m.Node) + StringSize(m.LinkedId) + 4 + StringSize(m.Reason) + 8 + SevenBitSize(json.Length) + json.Length, w =>
                {
                    w.Write(m.Node); w.Write(m.LinkedId); w.Write(m.Revision); w.Write(m.Reason);
                    WriteTime(w, m.CompletedAt);
                    w.Write7BitEncodedInt(json.Length);
                    w.Write(json);
                });
            }
        }
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case CallEventsAccepted m:
                    w.Write(m.Node); w.Write(m.LinkedId); w.Write(m.DeliveryId); w.Write(m.Persisted); w.Write(m.Duplicates);
                    break;
                case GetCallState m:
                    w.Write(m.Node); w.Write(m.LinkedId);
                    break;
                case CallStateView m:
                    w.Write(m.Node); w.Write(m.LinkedId); w.Write(m.CelCount); w.Write(m.CdrCount); w.Write(m.LiveChannels);
                    w.Write(m.LinkedIdEnded); w.Write(m.Revision); WriteNullable(w, m.CompletionReason);
                    break;
                case GapRecorded m:
                    w.Write(m.Node); WriteTime(w, m.From); WriteTime(w, m.To); w.Write(m.Reason); w.Write(m.LostEvents);
                    break;
                case EventQuarantined m:
                    w.Write(m.Node); WriteTime(w, m.At); w.Write(m.Reason); WriteHeaders(w, m.Headers);
                    break;
                case NodeCommand m:
                    w.Write(m.Node); w.Write((byte)m.Kind);
                    break;
                case NodeSeen m:
                    w.Write(m.Node); WriteTime(w, m.At);
                    break;
                case NodeJournalSnapshot m:
                    w.Write(m.Node);
                    w.Write(m.LastSeen is not null);
                    if (m.LastSeen is { } seen) WriteTime(w, seen);
                    w.Write(m.Gaps); w.Write(m.Quarantined);
                    break;
                case NodeStatus m:
                    // A diagnostic view with many fields, never persisted: explicit JSON options, versioned by manifest.
                    w.Write(JsonSerializer.Serialize(m, BillingJson));
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not serialized by {nameof(TelephonySerializer)}");
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        // publiclyVisible: ReadShared reads header strings straight from the array.
        using var r = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true), Encoding.UTF8);
        return manifest switch
        {
            RecordCallEventsManifest => new RecordCallEvents(r.ReadString(), r.ReadString(), r.ReadInt64(), ReadEvents(r)),
            RecordCallEventsV1 => new RecordCallEvents(r.ReadString(), r.ReadString(), r.ReadInt64(), ReadEvents(r, withLayout: false)),
            CallEventsAcceptedManifest => new CallEventsAccepted(r.ReadString(), r.ReadString(), r.ReadInt64(), r.ReadInt32(), r.ReadInt32()),
            CallEventsRecordedManifest => new CallEventsRecorded(r.ReadString(), r.ReadString(), ReadEvents(r)),
            HandedOverCallEventsManifest => new Nodes.HandOver.HandedOverCallEvents(r.ReadString(), r.ReadString(), ReadEvents(r)),
            CallEventsRecordedV1 => new CallEventsRecorded(r.ReadString(), r.ReadString(), ReadEvents(r, withLayout: false)),
            CallCompletedManifest => new CallCompleted(r.ReadString(), r.ReadString(), r.ReadInt32(), r.ReadString(), ReadTime(r),
                JsonSerializer.Deserialize<List<BillingRecord>>(r.ReadString(), BillingJson) ?? []),
            GetCallStateManifest => new GetCallState(r.ReadString(), r.ReadString()),
            CallStateViewManifest => new CallStateView(r.ReadString(), r.ReadString(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(),
                r.ReadBoolean(), r.ReadInt32(), ReadNullable(r)),
            GapRecordedManifest => new GapRecorded(r.ReadString(), ReadTime(r), ReadTime(r), r.ReadString(), r.ReadInt64()),
            EventQuarantinedManifest => new EventQuarantined(r.ReadString(), ReadTime(r), r.ReadString(), ReadHeaders(r)),
            NodeCommandManifest => new NodeCommand(r.ReadString(), (NodeCommandKind)r.ReadByte()),
            NodeSeenManifest => new NodeSeen(r.ReadString(), ReadTime(r)),
            NodeJournalSnapshotManifest => new NodeJournalSnapshot(r.ReadString(), r.ReadBoolean() ? ReadTime(r) : null, r.ReadInt64(), r.ReadInt64()),
            NodeStatusManifest => JsonSerializer.Deserialize<NodeStatus>(r.ReadString(), BillingJson)
                                  ?? throw new System.Runtime.Serialization.SerializationException("empty NodeStatus"),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown manifest '{manifest}' for {nameof(TelephonySerializer)}"),
        };
    }

    private static byte[] Exact(int size, Action<BinaryWriter> write)
    {
        // Not zeroed first (a call's row is ~10 KB; zeroing fresh memory showed in profiles): every byte is written below,
        // and a wrong size throws, so nothing uninitialised can leave.
        var bytes = GC.AllocateUninitializedArray<byte>(size);
        using var stream = new MemoryStream(bytes, writable: true); // not expandable: a wrong size throws, never truncates
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) write(w);
        if (stream.Position != size) throw new InvalidOperationException($"serialized {stream.Position} bytes, expected {size}");
        return bytes;
    }

    private static int SevenBitSize(int value)
    {
        var size = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7) size++;
        return size;
    }

    /// <summary>What <see cref="BinaryWriter.Write(string)"/> writes: the UTF-8 length as a 7-bit int, then the bytes.</summary>
    private static int StringSize(string s)
    {
        var n = Encoding.UTF8.GetByteCount(s);
        return SevenBitSize(n) + n;
    }

    /// <summary>The size <see cref="WriteEvents"/> writes.</summary>
    private static int EventsSize(IReadOnlyList<RecordedEvent> events)
    {
        var size = 4;
        foreach (var e in events)
        {
            size += 1 + StringSize(e.Identity) + 8 + 1;
            if (e.Message is { } message)
            {
                var length = message.RawBytes.Length;
                size += SevenBitSize(length) + length;
            }
            else
            {
                size += 4;
                foreach (var (k, v) in e.Headers) size += StringSize(k) + StringSize(v);
            }
        }
        return size;
    }

    private const byte AsReceived = 1; // the AMI message bytes, headers and blank line, exactly as received
    private const byte AsHeaderList = 2; // a header list (an event built from headers, not from a manager connection)

    /// <summary>Per event: kind, identity, time received, then either the message bytes as received (an event from a
    /// manager connection: copying them is the whole cost of writing it, and reading it back decodes nothing until a
    /// header is asked for) or the header list.</summary>
    private static void WriteEvents(BinaryWriter w, IReadOnlyList<RecordedEvent> events)
    {
        w.Write(events.Count);
        foreach (var e in events)
        {
            w.Write((byte)e.Kind);
            w.Write(e.Identity);
            WriteTime(w, e.ReceivedAt);
            if (e.Message is { } message)
            {
                w.Write(AsReceived);
                var bytes = message.RawBytes.Span;
                w.Write7BitEncodedInt(bytes.Length);
                w.Write(bytes);
            }
            else
            {
                w.Write(AsHeaderList);
                WriteHeaders(w, e.Headers);
            }
        }
    }

    /// <param name="withLayout">false for the rce1/cer1 layout, which has no layout byte: a header list per event.</param>
    private static RecordedEvent[] ReadEvents(BinaryReader r, bool withLayout = true)
    {
        var events = new RecordedEvent[r.ReadInt32()];
        for (var i = 0; i < events.Length; i++)
        {
            var kind = (RecordedEventKind)r.ReadByte();
            var identity = r.ReadString();
            var at = ReadTime(r);
            events[i] = (withLayout ? r.ReadByte() : AsHeaderList) switch
            {
                AsReceived => new RecordedEvent(kind, identity, at, ReadMessage(r)),
                AsHeaderList => new RecordedEvent(kind, identity, at, ReadHeaders(r)),
                var other => throw new System.Runtime.Serialization.SerializationException($"unknown event layout {other}"),
            };
        }
        return events;
    }

    private static Telephony.Ami.Protocol.AmiMessage ReadMessage(BinaryReader r)
    {
        var length = r.Read7BitEncodedInt();
        byte[] array;
        int at;
        if (r.BaseStream is MemoryStream ms && ms.TryGetBuffer(out var buffer) && buffer.Offset == 0)
        {
            // Read in place: the event keeps the payload array (the row's bytes) instead of a copy of its part.
            (array, at) = (buffer.Array!, (int)ms.Position);
            if (length < 0 || at + length > buffer.Count) throw new EndOfStreamException("an event's bytes run past the payload");
            ms.Position = at + length;
        }
        else (array, at) = (r.ReadBytes(length), 0);
        try
        {
            return Telephony.Ami.Protocol.AmiParser.ParseMessage(array, at, length);
        }
        catch (FormatException e)
        {
            throw new System.Runtime.Serialization.SerializationException($"a journaled event does not parse: {e.Message}", e);
        }
    }

    private static void WriteHeaders(BinaryWriter w, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        w.Write(headers.Count);
        foreach (var (k, v) in headers)
        {
            w.Write(k);
            w.Write(v);
        }
    }

    private static KeyValuePair<string, string>[] ReadHeaders(BinaryReader r)
    {
        var headers = new KeyValuePair<string, string>[r.ReadInt32()];
        for (var i = 0; i < headers.Length; i++)
        {
            // Names repeat in every event, and so do the values of a few low-cardinality headers: one shared instance
            // each (looked up by their bytes, no string made to look) keeps a replayed journal small in memory.
            var name = ReadShared(r);
            headers[i] = new(name, SharedValueHeaders.Contains(name) ? ReadShared(r) : r.ReadString());
        }
        return headers;
    }

    private static readonly HashSet<string> SharedValueHeaders = new(StringComparer.Ordinal)
    {
        "Event", "Privilege", "EventName", "AMAFlags", "AccountCode", "Context", "Application", "TenantID", "UserDefType",
        "PeerAccount", "Disposition", "LastApplication", "DestinationContext",
    };

    /// <summary>A string as BinaryWriter wrote it (7-bit length, UTF-8), through the shared pool when the reader sits
    /// on a byte array (always, in FromBinary).</summary>
    private static string ReadShared(BinaryReader r)
    {
        if (r.BaseStream is not MemoryStream ms || !ms.TryGetBuffer(out var buffer)) return r.ReadString();
        var length = r.Read7BitEncodedInt();
        var at = (int)ms.Position;
        if (length < 0 || at + length > buffer.Count) throw new EndOfStreamException("a header string runs past the payload");
        ms.Position = at + length;
        return Telephony.Ami.Protocol.HeaderKeys.Get(buffer.AsSpan(at, length));
    }

    private static void WriteTime(BinaryWriter w, DateTimeOffset t) => w.Write(t.UtcTicks);

    private static DateTimeOffset ReadTime(BinaryReader r) => new(r.ReadInt64(), TimeSpan.Zero);

    private static void WriteNullable(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? ReadNullable(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
