using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Telephony.Billing.Projections;
using Telephony.Billing.Serialization;

namespace Telephony.Billing.Tests;

/// <summary>Status and rebuild messages cross the cluster (pbm asks the billing singleton from any member): they go
/// through <see cref="BillingSerializer"/>, not the default JSON serializer, and come back equal.</summary>
public sealed class BillingSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("billing-serialization",
        ConfigurationFactory.ParseString(BillingSerializer.Hocon));

    public static TheoryData<string> Messages => new(Samples().Keys);

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_billing_cluster_message_round_trips_through_the_billing_serializer(string name)
    {
        var message = Samples()[name];
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(message);

        Assert.IsType<BillingSerializer>(serializer);
        var back = serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(message, message.GetType()), System.Text.Json.JsonSerializer.Serialize(back, back.GetType()));
    }

    /// <summary>Akka keeps one serializer per identifier: a shared one would take the other's payloads (the action
    /// queue's journal events, read back by the billing serializer, failed the actions projection forever).</summary>
    [Fact]
    public void The_billing_serializer_identifier_is_its_own()
    {
        int[] others = [Telephony.Actors.Serialization.TelephonySerializer.SerializerId, Telephony.Actors.Actions.ActionSerializer.SerializerId];
        Assert.DoesNotContain(BillingSerializer.SerializerId, others);
        Assert.Contains($"= {BillingSerializer.SerializerId} }}", BillingSerializer.Hocon, StringComparison.Ordinal);
    }

    private static Dictionary<string, object> Samples()
    {
        var at = new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero);
        var projection = new ProjectionStatus("mariadb:cdr", "mariadb", "cdr", "cdr", false, ProjectionState.Running, 1311, 1400, 12, 0.4,
            5000, 5100, 12, 1, 1, "connection refused", at, at);
        return new Dictionary<string, object>
        {
            ["get-status"] = GetProjectionStatus.Instance,
            ["projection-status"] = projection,
            ["billing-status"] = new BillingStatus([projection], [new RebuildStatus("mariadb", RebuildPhase.CatchingUp, at, null, null)]),
            ["rebuild"] = new RebuildSink("mariadb"),
            ["rebuild-accepted"] = new RebuildAccepted("mariadb"),
            ["rebuild-rejected"] = new RebuildRejected("beanstalkd", "jobs already put cannot be taken back"),
        };
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
