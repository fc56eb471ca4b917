using Telephony.Actors.Actions;
using Telephony.Domain.Actions;

namespace Telephony.Actors.Tests.Actions;

/// <summary>
/// A list of actions asked across the cluster comes back in pages that each fit Akka's remoting frame (128,000 bytes;
/// a bigger message is dropped): <c>pbm actions list --limit 1000</c> of a node that runs on another member.
/// </summary>
public sealed class ActionPagesTests
{
    private const int RemotingFrame = 128_000;
    private static readonly DateTimeOffset At = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private static ActionRecord Originate(int n, int returnedLines = 0) => new ActionRecord
    {
        Id = $"pbx-a:{n}", Node = "pbx-a", Action = "Originate",
        Headers =
        [
            new("Channel", $"PJSIP/+4930{n:00000000}@carrier-trunk-eu-west"), new("Context", "outbound-campaign-callbacks"),
            new("Exten", "s"), new("Priority", "1"), new("CallerID", $"\"Kundendienst Müller {n}\" <+49301234567>"),
            new("Variable", $"CAMPAIGN=spring-promotion-{n % 7}"), new("Variable", $"CUSTOMER_ID={n:0000000000}"),
            new("Variable", "CALLBACK_REASON=missed call while the agent was on break"), new("Async", "true"),
            new("ChannelId", Guid.NewGuid().ToString()), new("OtherChannelId", Guid.NewGuid().ToString()),
        ],
        IdempotencyKey = $"campaign-{n}", Priority = 5, NotBefore = At, ExpiresAt = At.AddMinutes(5),
        ChannelId = Guid.NewGuid().ToString(), QueuedAt = At.AddMilliseconds(n),
        Returned = returnedLines == 0 ? null : Enumerable.Range(0, returnedLines)
            .Select(i => new KeyValuePair<string, string>("Output", $"PJSIP/{i:0000}-000000{i:x2}  Up  outbound-campaign-callbacks  s@1")).ToList(),
    }
        .Apply(new ActionTransition($"pbx-a:{n}", ActionStatus.Sent, At.AddSeconds(1)))
        .Apply(new ActionTransition($"pbx-a:{n}", ActionStatus.Failed, At.AddSeconds(2)) { Message = "Originate failed", Reason = "busy" });

    [Fact]
    public void A_thousand_originates_are_listed_in_pages_that_each_fit_the_remoting_frame_and_cover_every_one_once()
    {
        var serializer = new ActionSerializer(null!);
        var records = Enumerable.Range(1, 1000).Select(n => Originate(n, returnedLines: n % 100 == 0 ? 40 : 0)).Reverse().ToList();
        Assert.True(serializer.ToBinary(new ActionList("pbx-a", records, new Dictionary<ActionStatus, int>())).Length > RemotingFrame);

        var listed = new List<ActionRecord>();
        var pages = 0;
        while (listed.Count < records.Count)
        {
            var rest = records.Skip(listed.Count).ToList();
            var fit = ActionPages.Fitting(rest);
            var page = new ActionList("pbx-a", rest.Take(fit).ToList(), new Dictionary<ActionStatus, int> { [ActionStatus.Failed] = 1000 },
                fit < rest.Count ? ActionBook.NumberOf(rest[fit - 1].Id) : null);
            var bytes = serializer.ToBinary(page);
            Assert.True(bytes.Length < RemotingFrame / 2, $"page {pages}: {bytes.Length} bytes for {fit} actions");
            listed.AddRange(page.Actions);
            pages++;
        }

        Assert.True(pages > 1);
        Assert.Equal(records.Select(r => r.Id), listed.Select(r => r.Id));
    }

    [Fact]
    public void An_action_bigger_than_a_page_still_goes_alone()
    {
        var huge = Originate(1, returnedLines: 2000);

        Assert.True(ActionPages.EstimatedBytes(huge) > ActionPages.DefaultBudget);
        Assert.Equal(1, ActionPages.Fitting([huge, Originate(2), Originate(3)]));
        Assert.Equal(3, ActionPages.Fitting([Originate(1), Originate(2), Originate(3)]));
    }
}
