using Telephony.Ami.Protocol;
using Telephony.Simulator.Tests.Fixtures;

namespace Telephony.Simulator.Tests;

/// <summary>
/// The simulator against the real thing: each call capture's own <c>.sent</c> bytes go to the simulator over TCP
/// and what comes back, parsed with <see cref="AmiParser"/>, must tell the same story as the capture once ids and
/// times are ignored: the same CEL EventName sequence per call, the same Cdr dispositions, the same
/// OriginateResponse, the same events, CEL and Cdr with the same headers.
/// </summary>
public sealed class CallParityTests
{
    public static TheoryData<string> Calls =>
    [
        "answered", "busy", "noanswer", "dial-answered", "dial-busy", "dial-noanswer", "queue-answered",
        "queue-abandoned", "originate-application",
    ];

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Replaying_the_sent_actions_gives_the_outcome_real_Asterisk_gave(string name)
    {
        var capture = Capture.Load(name);
        var real = capture.Outcome;
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.ConnectAsync(sim.Port);

        // Everything up to the Logoff, as the probe sent it; the probe waited for the call to end before logging off.
        var logoff = capture.Sent.Last();
        Assert.Equal("Logoff", logoff["Action"]);
        foreach (var action in capture.Sent.Take(capture.Sent.Count - 1)) await client.SendRawAsync(action.RawBytes);
        var cdrCount = real.CdrDispositions.Count;
        var seenCdr = 0;
        var seenEnd = false;
        var seenResponse = false;
        await client.NextAsync(m =>
        {
            if (m.EventName == "Cdr") seenCdr++;
            if (m.EventName == "CEL" && m["EventName"] == "LINKEDID_END") seenEnd = true;
            if (m.EventName == "OriginateResponse") seenResponse = true;
            return seenCdr == cdrCount && seenEnd && seenResponse;
        });
        await client.SendRawAsync(logoff.RawBytes);
        await client.UntilClosedAsync();

        var simulated = CallOutcome.Of(client.Received);
        Assert.Equal(real.CelSequences, simulated.CelSequences);
        Assert.Equal(real.CdrDispositions, simulated.CdrDispositions);
        Assert.Equal(AnswerTimes(capture.Received), AnswerTimes(client.Received));
        Assert.Equal(real.OriginateResponses, simulated.OriginateResponses);
        Assert.Equal(real.EventNames, simulated.EventNames);
        Assert.Equal(real.CelHeaderLayouts, simulated.CelHeaderLayouts);
        Assert.Equal(real.CdrHeaderLayouts, simulated.CdrHeaderLayouts);
        Assert.Equal(capture.Received.Where(m => m.IsResponse).Select(m => (m.ActionId, m.ResponseStatus, m.MessageText)),
            client.Received.Where(m => m.IsResponse).Select(m => (m.ActionId, m.ResponseStatus, m.MessageText)));
    }

    /// <summary>Real Asterisk leaves AnswerTime empty on some Cdrs and not others (a NO ANSWER Cdr of a channel that
    /// had answered keeps it): the same ones must be empty.</summary>
    private static IEnumerable<string> AnswerTimes(IEnumerable<AmiMessage> messages) =>
        messages.Where(m => m.EventName == "Cdr")
            .Select(m => $"{m["Disposition"]} {(m["AnswerTime"]!.Length == 0 ? "without" : "with")} AnswerTime")
            .Order();

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Ids_and_times_look_like_Asterisk_ones(string name)
    {
        var capture = Capture.Load(name);
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.ConnectAsync(sim.Port);
        foreach (var action in capture.Sent.SkipLast(1)) await client.SendRawAsync(action.RawBytes);
        var end = await client.NextAsync(m => m["EventName"] == "LINKEDID_END");
        await client.SendRawAsync(capture.Sent.Last().RawBytes);
        var all = await client.UntilClosedAsync();
        var events = client.Received.Where(m => m.IsEvent).ToList();

        var linkedid = end["LinkedID"]!;
        Assert.Matches(@"^\d{10}\.\d+$", linkedid);
        Assert.True(long.Parse(linkedid.Split('.')[0]) >= sim.Node.Epoch);
        Assert.All(events.Where(m => m.Has("Linkedid") || m.Has("LinkedID")),
            m => Assert.Equal(linkedid, m["Linkedid"]));
        Assert.All(events.Where(m => m.EventName == "CEL"),
            m => Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", m["EventTime"]!));
        foreach (var cdr in events.Where(m => m.EventName == "Cdr"))
        {
            Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", cdr["StartTime"]!);
            Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", cdr["EndTime"]!);
            if (cdr["AnswerTime"]!.Length == 0) Assert.Equal("0", cdr["BillableSeconds"]);
            else Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", cdr["AnswerTime"]!);
            Assert.True(int.Parse(cdr["Duration"]!) >= int.Parse(cdr["BillableSeconds"]!));
            Assert.False(cdr.Has("Sequence"));
        }
        // Local channels are numbered from 0 per node, in hex.
        Assert.Contains(events, m => m["Channel"]?.Contains("-00000000;1") == true);
    }

    [Fact]
    public async Task Simulated_durations_match_the_dialplan_even_when_time_runs_100_times_faster()
    {
        var capture = Capture.Load("answered");
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.ConnectAsync(sim.Port);
        foreach (var action in capture.Sent.SkipLast(1)) await client.SendRawAsync(action.RawBytes);
        await client.NextAsync(m => m["EventName"] == "LINKEDID_END");

        var cdrs = client.Received.Where(m => m.EventName == "Cdr").ToList();
        var realCdrs = capture.Received.Where(m => m.EventName == "Cdr").ToList();
        Assert.Equal(realCdrs.Select(c => c["Duration"]).Order(), cdrs.Select(c => c["Duration"]).Order());
        Assert.Equal(realCdrs.Select(c => c["BillableSeconds"]).Order(), cdrs.Select(c => c["BillableSeconds"]).Order());
    }
}
