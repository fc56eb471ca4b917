using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Telephony.Billing.Projections;

namespace Telephony.Billing.Serialization;

/// <summary>Marks the billing messages that cross the cluster (asking the billing singleton from any member).</summary>
public interface IBillingMessage;

/// <summary>
/// The serializer of the billing projections' cluster messages (status and rebuild). Nothing here is persisted: these
/// are diagnostic and control messages, so explicit JSON with fixed options under a stable, versioned manifest.
/// </summary>
public sealed class BillingSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    // 7170 is TelephonySerializer, 7171 ActionSerializer (both persist: their ids are in journal rows and never change).
    public const int SerializerId = 7172;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly Dictionary<string, Type> Types = new()
    {
        ["gps1"] = typeof(GetProjectionStatus),
        ["pst1"] = typeof(ProjectionStatus),
        ["bst1"] = typeof(BillingStatus),
        ["rbs1"] = typeof(RebuildSink),
        ["rba1"] = typeof(RebuildAccepted),
        ["rbr1"] = typeof(RebuildRejected),
    };

    private static readonly Dictionary<Type, string> Manifests = Types.ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>The HOCON a host adds to bind this serializer.</summary>
    public const string Hocon = """
        akka.actor {
          serializers.telephony-billing = "Telephony.Billing.Serialization.BillingSerializer, Telephony.Billing"
          serialization-bindings { "Telephony.Billing.Serialization.IBillingMessage, Telephony.Billing" = telephony-billing }
          serialization-identifiers { "Telephony.Billing.Serialization.BillingSerializer, Telephony.Billing" = 7172 }
        }
        """;

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        Manifests.TryGetValue(o.GetType(), out var m) ? m : throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(BillingSerializer)}");

    public override byte[] ToBinary(object obj) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(obj, obj.GetType(), Json));

    public override object FromBinary(byte[] bytes, string manifest) =>
        Types.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Json) ?? throw new System.Runtime.Serialization.SerializationException($"empty {manifest}")
            : throw new System.Runtime.Serialization.SerializationException($"unknown manifest '{manifest}' for {nameof(BillingSerializer)}");
}
