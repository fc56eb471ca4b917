using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Telephony.Actors.Actions;

/// <summary>
/// The action queue's journal events and cluster messages: UTF-8 JSON under stable, versioned manifests (a new shape
/// gets a new manifest; old ones stay readable). JSON because these are small, few per action, and read by people in
/// the journal; the CEL hot path keeps its binary <c>TelephonySerializer</c>.
/// </summary>
public sealed class ActionSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7171;

    private const string QueuedManifest = "aq1";
    private const string MovedManifest = "am1";
    private const string SnapshotManifest = "as1";
    private const string SubmitManifest = "asb1";
    private const string SubmittedManifest = "asd1";
    private const string RefusedManifest = "arf1";
    private const string GetManifest = "ag1";
    private const string FoundManifest = "af1";
    private const string ListManifest = "al1";
    private const string ListedManifest = "als1";
    private const string CancelManifest = "ac1";
    private const string SubscribeManifest = "asu1";
    private const string ChangedManifest = "ach1";

    internal static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    private sealed record SubscribeWire(string Node, string Id, string Subscriber);

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        ActionQueued => QueuedManifest,
        ActionMoved => MovedManifest,
        ActionQueueSnapshot => SnapshotManifest,
        SubmitAction => SubmitManifest,
        ActionSubmitted => SubmittedManifest,
        ActionRefused => RefusedManifest,
        GetAction => GetManifest,
        ActionFound => FoundManifest,
        ListActions => ListManifest,
        ActionList => ListedManifest,
        CancelAction => CancelManifest,
        SubscribeAction => SubscribeManifest,
        ActionChanged => ChangedManifest,
        _ => throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(ActionSerializer)}"),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        SubscribeAction s => JsonSerializer.SerializeToUtf8Bytes(
            new SubscribeWire(s.Node, s.Id, Akka.Serialization.Serialization.SerializedActorPath(s.Subscriber)), Json),
        _ => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        QueuedManifest => Read<ActionQueued>(bytes),
        MovedManifest => Read<ActionMoved>(bytes),
        SnapshotManifest => Read<ActionQueueSnapshot>(bytes),
        SubmitManifest => Read<SubmitAction>(bytes),
        SubmittedManifest => Read<ActionSubmitted>(bytes),
        RefusedManifest => Read<ActionRefused>(bytes),
        GetManifest => Read<GetAction>(bytes),
        FoundManifest => Read<ActionFound>(bytes),
        ListManifest => Read<ListActions>(bytes),
        ListedManifest => Read<ActionList>(bytes),
        CancelManifest => Read<CancelAction>(bytes),
        SubscribeManifest => ReadSubscribe(bytes),
        ChangedManifest => Read<ActionChanged>(bytes),
        _ => throw new System.Runtime.Serialization.SerializationException($"unknown manifest '{manifest}' for {nameof(ActionSerializer)}"),
    };

    private static T Read<T>(byte[] bytes) =>
        JsonSerializer.Deserialize<T>(bytes, Json) ?? throw new System.Runtime.Serialization.SerializationException($"empty {typeof(T).Name}");

    private SubscribeAction ReadSubscribe(byte[] bytes)
    {
        var wire = Read<SubscribeWire>(bytes);
        return new SubscribeAction(wire.Node, wire.Id, system.Provider.ResolveActorRef(wire.Subscriber));
    }
}
