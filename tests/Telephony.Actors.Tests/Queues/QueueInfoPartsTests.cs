using Akka.Actor;
using Akka.TestKit.Xunit2;
using Telephony.Actors.Queues;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Actors.Tests.Queues;

/// <summary>
/// A busy queue's view crosses the cluster whole: cut into parts that each fit Akka's remoting frame (128,000 bytes;
/// a bigger message is dropped, and a member that did not host the queue showed nothing), joined again by the asker.
/// </summary>
public sealed class QueueInfoPartsTests : TestKit
{
    /// <summary>Akka's default maximum frame; every part must stay well inside it.</summary>
    private const int RemotingFrame = 128_000;

    private static QueueInfo BusyQueue(int waiting, int connected, int agents, int ringAllEvery = 0, int ringing = 0)
    {
        var at = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
        string Agent(int i) => $"agent-{i:00000}";
        return new QueueInfo("sales-and-long-support-queue-name", true, "RingAll", "Redirect",
            Enumerable.Range(0, waiting).Select(i => new WaitingCallerInfo($"pbx-{i % 8}/1796357937.{i}", $"pbx-{i % 8}",
                $"PJSIP/trunk-provider-{i:0000}-0000{i:x4}", $"+4930{i:00000000}", $"Caller Näme Nümber {i}", 1 + i % 9, i + 1,
                at.AddSeconds(i), 1234.567, "Ringing",
                ringAllEvery > 0 && i % ringAllEvery == 0 ? Enumerable.Range(0, ringing).Select(Agent).ToList() : [])).ToList(),
            Enumerable.Range(0, connected).Select(i => new ConnectedCallInfo($"pbx-{i % 8}/1796350000.{i}", $"pbx-{i % 8}",
                $"IAX2/trunk-{i:0000}", Agent(i), $"pbx-{(i + 3) % 8}", at.AddSeconds(i), 98.765, $"1796350000.{i}",
                $"1796360000.{i}")).ToList(),
            Enumerable.Range(0, agents).Select(i => new QueueAgentInfo(Agent(i), $"Agent With A Long Name {i}", i % 5,
                "Available", "Delayed", $"pbx-{i % 8}", i, 12345.678)).ToList(),
            new QueueStatistics { Offered = 5000, Answered = 4000 }, 1234.567, 0.8, 0.75, new QueueStatistics(),
            DateOnly.FromDateTime(at.UtcDateTime));
    }

    [Fact]
    public void A_queue_of_3600_callers_and_2000_agents_goes_in_parts_that_each_fit_the_remoting_frame_and_join_to_the_whole()
    {
        var info = BusyQueue(waiting: 3600, connected: 1500, agents: 2000, ringAllEvery: 50, ringing: 400);
        var serializer = new QueueSerializer(null!);
        Assert.True(serializer.ToBinary(info).Length > RemotingFrame, "the whole view is bigger than one frame");

        var parts = QueueInfoParts.Split(info);

        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(serializer.ToBinary(p).Length < RemotingFrame / 2,
            $"part {p.Part}: {serializer.ToBinary(p).Length} bytes"));
        var back = QueueInfoParts.Join(parts.Select(p => (QueueInfoPart)serializer.FromBinary(serializer.ToBinary(p),
            serializer.Manifest(p))).Reverse().ToList());
        Assert.Equal(info.Waiting.Select(w => (w.Caller, w.Position, string.Join(",", w.RingingAgents))),
            back.Waiting.Select(w => (w.Caller, w.Position, string.Join(",", w.RingingAgents))));
        Assert.Equal(info.Connected, back.Connected);
        Assert.Equal(info.Agents, back.Agents);
        Assert.Equal(info.Statistics, back.Statistics);
        Assert.Equal(info.LongestWaitSeconds, back.LongestWaitSeconds);
    }

    [Fact]
    public void A_caller_ringing_every_agent_of_a_big_ring_all_queue_goes_alone_in_its_part()
    {
        var info = BusyQueue(waiting: 3, connected: 0, agents: 0, ringAllEvery: 1, ringing: 3000);

        var parts = QueueInfoParts.Split(info);

        Assert.Equal(3, parts.Count);
        Assert.All(parts, p => Assert.Single(p.Info.Waiting));
        Assert.All(parts, p => Assert.Equal(3000, p.Info.Waiting[0].RingingAgents.Count));
    }

    [Fact]
    public void A_quiet_queue_is_one_part_and_an_answer_missing_a_part_is_refused()
    {
        Assert.Single(QueueInfoParts.Split(BusyQueue(waiting: 5, connected: 2, agents: 20)));
        var parts = QueueInfoParts.Split(BusyQueue(waiting: 10, connected: 0, agents: 900));
        Assert.True(parts.Count >= 3);
        Assert.Throws<ArgumentException>(() => QueueInfoParts.Join(parts.Where(p => p.Part != 2).ToList()));
    }

    [Fact]
    public async Task Asking_a_queue_gathers_every_part_of_its_answer()
    {
        var info = BusyQueue(waiting: 700, connected: 100, agents: 1200);
        var region = CreateTestProbe();

        var answer = QueueInfoAsk.AskAsync(Sys, region.Ref, "sales-and-long-support-queue-name", TimeSpan.FromSeconds(5));
        region.ExpectMsg<GetQueue>(g => g.Queue == "sales-and-long-support-queue-name");
        foreach (var part in QueueInfoParts.Split(info)) region.Reply(part);

        var whole = await answer;
        Assert.Equal(700, whole.Waiting.Count);
        Assert.Equal(1200, whole.Agents.Count);
        Assert.Equal(info.Agents, whole.Agents);
    }

    [Fact]
    public async Task A_queue_that_sends_only_part_of_its_answer_is_reported_as_not_answering_in_time()
    {
        var region = CreateTestProbe();

        var answer = QueueInfoAsk.AskAsync(Sys, region.Ref, "sales-and-long-support-queue-name", TimeSpan.FromMilliseconds(500));
        region.ExpectMsg<GetQueue>();
        region.Reply(QueueInfoParts.Split(BusyQueue(waiting: 0, connected: 0, agents: 900))[0]);

        var e = await Assert.ThrowsAsync<AskTimeoutException>(() => answer);
        Assert.Contains("1 part(s)", e.Message);
    }
}
