using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Actors.Queues;

/// <summary>
/// Queue and agent journal events (the domain's own records), snapshots and cluster messages as UTF-8 JSON under
/// stable, versioned manifests: a changed shape gets a new manifest and the old one stays readable.
/// </summary>
public sealed class QueueSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7173;

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly (Type Type, string Manifest)[] Types =
    [
        // queue journal
        (typeof(CallerJoined), "qj1"), (typeof(JoinRefused), "qjr1"), (typeof(AgentOffered), "qo1"),
        (typeof(OfferEnded), "qoe1"), (typeof(CallerConnected), "qc1"), (typeof(CallCompleted), "qcc1"),
        (typeof(CallerLeft), "ql1"), (typeof(QueueSnapshot), "qs1"),
        // agent journal
        (typeof(AgentLoggedIn), "gi1"), (typeof(AgentLoggedOut), "go1"), (typeof(AgentPaused), "gp1"),
        (typeof(AgentUnpaused), "gu1"), (typeof(AgentMembershipChanged), "gm1"), (typeof(ReservationGranted), "gr1"),
        (typeof(AgentRinging), "grg1"), (typeof(AgentAnswered), "ga1"), (typeof(AgentCallEnded), "ge1"),
        (typeof(ReservationReleased), "grl1"), (typeof(AgentSnapshot), "gs1"),
        // queue messages
        (typeof(JoinQueue), "mjq1"), (typeof(JoinAnswer), "mja1"), (typeof(CallerHungUp), "mch1"),
        (typeof(CallerDialAnswered), "mcd1"), (typeof(ConnectResultReported), "mcr1"), (typeof(QueueSignalTaken), "mqt1"), (typeof(NodeRestarted), "mnr1"), (typeof(NodeUnobserved), "mnu1"),
        (typeof(AgentViewChanged), "mav1"), (typeof(ReservationAnswer), "mra1"), (typeof(ConfirmReservation), "mcf1"),
        (typeof(RemoveCaller), "mrc1"), (typeof(WatchQueueCaller), "mwq1"), (typeof(WakeQueue), "mwk1"), (typeof(ExpectAgentLeg), "mxl1"), (typeof(AgentLegSeen), "mls1"), (typeof(WakeAgent), "mwk2"), (typeof(GetQueue), "mgq1"), (typeof(QueueInfo), "mqi1"), (typeof(QueueInfoPart), "mqp1"),
        // agent messages
        (typeof(ReserveAgent), "mrv1"), (typeof(ReservationNews), "mrn1"), (typeof(ReservationConfirmed), "mrc2"),
        (typeof(AgentCommand), "mac1"), (typeof(SetAgentMembership), "msm1"), (typeof(AgentPhoneState), "mps1"),
        (typeof(RequestAgentView), "mrq1"), (typeof(GetAgent), "mga1"), (typeof(AgentUnknown), "mau1"),
        (typeof(AgentInfo), "mai1"),
        // node hand-overs (JSON like the rest of this wire)
        (typeof(Nodes.HandOver.TakingOverNode), "nto1"), (typeof(Nodes.HandOver.HandOverAnswer), "nha1"),
        (typeof(Nodes.HandOver.HandOverDone), "nhd1"),
    ];

    private static readonly Dictionary<Type, string> ManifestOf = Types.ToDictionary(t => t.Type, t => t.Manifest);
    private static readonly Dictionary<string, Type> TypeOf = Types.ToDictionary(t => t.Manifest, t => t.Type);

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        ManifestOf.TryGetValue(o.GetType(), out var m) ? m
            : throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(QueueSerializer)}");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest) =>
        TypeOf.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Json) ?? throw new System.Runtime.Serialization.SerializationException($"empty {manifest}")
            : throw new System.Runtime.Serialization.SerializationException($"unknown manifest '{manifest}' in {nameof(QueueSerializer)}");

    public static IReadOnlyCollection<Type> SerializedTypes => ManifestOf.Keys;
}
