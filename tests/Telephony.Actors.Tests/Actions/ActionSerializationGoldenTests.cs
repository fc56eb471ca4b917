using Akka.Configuration;
using Akka.Serialization;
using Telephony.Actors.Actions;
using Telephony.Domain.Actions;

namespace Telephony.Actors.Tests.Actions;

/// <summary>
/// The action queue's journal events and messages go through <see cref="ActionSerializer"/> with stable manifests. The
/// golden files in tests/fixtures/golden were written by an earlier build and must keep reading back to the same
/// values: a queue's journal written today must recover after an upgrade. Regenerate (only for a NEW manifest) with
/// TELEPHONY_WRITE_GOLDEN=1.
/// </summary>
public class ActionSerializationGoldenTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly string GoldenDirectory = Path.Combine(AppContext.BaseDirectory, "fixtures", "golden");

    public ActionSerializationGoldenTests() : base(ConfigurationFactory.ParseString(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", "telephony.conf"))).WithFallback(
        ConfigurationFactory.ParseString("akka.actor.provider = local")))
    {
    }

    public static TheoryData<string> Samples => new(SampleMessages().Keys);

    [Theory]
    [MemberData(nameof(Samples))]
    public void An_action_message_written_by_an_earlier_build_reads_back_to_the_same_value(string name)
    {
        var expected = SampleMessages()[name];
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(expected);
        Assert.IsType<ActionSerializer>(serializer);
        var manifest = serializer.Manifest(expected);
        var path = Path.Combine(GoldenDirectory, $"{name}.{manifest}.bin");
        if (Environment.GetEnvironmentVariable("TELEPHONY_WRITE_GOLDEN") == "1")
        {
            var source = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "fixtures", "golden"));
            File.WriteAllBytes(Path.Combine(source, Path.GetFileName(path)), serializer.ToBinary(expected));
        }
        Assert.True(File.Exists(path), $"golden file {Path.GetFileName(path)} is missing (manifest '{manifest}' changed?)");

        var actual = serializer.FromBinary(File.ReadAllBytes(path), manifest);
        Assert.Equal(Describe(expected), Describe(actual));
    }

    [Fact]
    public void A_subscription_crosses_the_cluster_with_its_subscriber()
    {
        var message = new SubscribeAction("pbx-a", "pbx-a:17", TestActor);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        var back = (SubscribeAction)serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
        Assert.Equal(message.Id, back.Id);
        Assert.Equal(TestActor.Path, back.Subscriber.Path);
    }

    private static string Describe(object o) => System.Text.Json.JsonSerializer.Serialize(o, o.GetType());

    private static readonly DateTimeOffset At = new(2026, 12, 2, 15, 30, 0, 125, TimeSpan.Zero);

    private static ActionRecord Originate => new()
    {
        Id = "pbx-a:17",
        Node = "pbx-a",
        Action = "Originate",
        Headers =
        [
            new("Channel", "Local/1004@agents"), new("Application", "Wait"), new("Data", "30"),
            new("CallerID", "\"Agent 1004\" <1004>"), new("Variable", "VQ_QUEUE=sales"), new("Variable", "VQ_PRIO=3"),
            new("ChannelId", "7c8f8d3e-0a1b-4c2d-9e3f-000000000001"), new("OtherChannelId", "7c8f8d3e-0a1b-4c2d-9e3f-000000000002"),
            new("Async", "true"),
        ],
        IdempotencyKey = "vq-sales-connect-42",
        Priority = 6,
        NotBefore = At,
        ExpiresAt = At.AddMinutes(2),
        ChannelId = "7c8f8d3e-0a1b-4c2d-9e3f-000000000001",
        OtherChannelId = "7c8f8d3e-0a1b-4c2d-9e3f-000000000002",
        QueuedAt = At,
    };

    private static ActionRecord Ended => Originate
        .Apply(new ActionTransition("pbx-a:17", ActionStatus.Sent, At.AddMilliseconds(3)))
        .Apply(new ActionTransition("pbx-a:17", ActionStatus.Succeeded, At.AddMilliseconds(5)) { Message = "Originate successfully queued" })
        .Apply(new ActionTransition("pbx-a:17", ActionStatus.Up, At.AddSeconds(2))
            { Channel = "Local/1004@agents-00000009;1", UniqueId = Originate.ChannelId, LinkedId = Originate.ChannelId, Reason = "answered" })
        .Apply(new ActionTransition("pbx-a:17", ActionStatus.Ended, At.AddSeconds(10)) { HangupCause = 16, Message = "Normal Clearing" });

    private static Dictionary<string, object> SampleMessages() => new()
    {
        ["action-queued"] = new ActionQueued(Originate),
        ["action-moved"] = new ActionMoved("pbx-a", new ActionTransition("pbx-a:18", ActionStatus.Succeeded, At)
        {
            Message = "Result will follow", Returned = [new("Variable", "VQ_QUEUE"), new("Value", "sales")],
        }),
        ["action-moved-up"] = new ActionMoved("pbx-a", new ActionTransition("pbx-a:17", ActionStatus.Up, At)
            { Channel = "Local/1004@agents-00000009;1", UniqueId = "u1", LinkedId = "u1", Reason = "answered" }),
        ["action-queue-snapshot"] = new ActionQueueSnapshot("pbx-a", 17, [Ended]),
        ["submit-action"] = new SubmitAction(new ActionRequest("pbx-a", "Redirect",
            [new("Channel", "Local/vq@queue-in-00000004;2"), new("Context", "vq-connect"), new("Exten", "b-1001"), new("Priority", "1")],
            "k-1", 3, At, At.AddSeconds(30))),
        ["action-submitted"] = new ActionSubmitted(Originate, Existing: true),
        ["action-refused"] = new ActionRefused("pbx-a", ActionRefusalKind.Invalid,
            [new ActionRequestError("headers.CallerID", "contains CR, LF or NUL (would inject AMI headers)")]),
        ["get-action"] = new GetAction("pbx-a", "pbx-a:17"),
        ["action-found"] = new ActionFound(Ended),
        ["list-actions"] = new ListActions("pbx-a", ActionStatus.Unknown, 50),
        ["action-list"] = new ActionList("pbx-a", [Ended], new Dictionary<ActionStatus, int> { [ActionStatus.Ended] = 1, [ActionStatus.Queued] = 4 }),
        ["cancel-action"] = new CancelAction("pbx-a", "pbx-a:17"),
        ["action-changed"] = new ActionChanged(Ended),
    };
}
