using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Tests.Fixtures;

/// <summary>One real Asterisk capture from tests/fixtures/ami-captures: what Asterisk sent and what the client sent.</summary>
internal sealed class Capture
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures");

    private Capture(string name)
    {
        Name = name;
        ReceivedBytes = File.ReadAllBytes(Path.Combine(Directory, name + ".ami"));
        SentBytes = File.ReadAllBytes(Path.Combine(Directory, name + ".sent"));
        Received = new AmiParser().ParseAll(ReceivedBytes);
        Sent = new AmiParser(expectBanner: false).ParseAll(SentBytes);
    }

    public string Name { get; }
    public byte[] ReceivedBytes { get; }
    public byte[] SentBytes { get; }
    public IReadOnlyList<AmiMessage> Received { get; }
    /// <summary>The actions the client sent, each with its raw bytes.</summary>
    public IReadOnlyList<AmiMessage> Sent { get; }

    public static Capture Load(string name) => new(name);

    public CallOutcome Outcome => CallOutcome.Of(Received);
}

/// <summary>What a call looks like once ids and times are ignored: CEL EventName sequence per LinkedID (the only
/// order real Asterisk keeps), the multiset of Cdr dispositions, OriginateResponse Response/Reason/Uniqueid, and the
/// multiset of event names.</summary>
internal sealed record CallOutcome(
    IReadOnlyList<IReadOnlyList<string>> CelSequences,
    IReadOnlyList<string> CdrDispositions,
    IReadOnlyList<string> OriginateResponses,
    IReadOnlyList<string> EventNames,
    IReadOnlyList<string> CelHeaderLayouts,
    IReadOnlyList<string> CdrHeaderLayouts)
{
    public static CallOutcome Of(IEnumerable<AmiMessage> messages)
    {
        var events = messages.Where(m => m.IsEvent).ToList();
        var cel = events.Where(m => m.EventName == "CEL").ToList();
        var cdr = events.Where(m => m.EventName == "Cdr").ToList();
        return new CallOutcome(
            cel.GroupBy(m => m["LinkedID"]).Select(g => (IReadOnlyList<string>)g.Select(m => m["EventName"]!).ToList()).ToList(),
            cdr.Select(m => m["Disposition"]!).Order().ToList(),
            events.Where(m => m.EventName == "OriginateResponse")
                .Select(m => $"{m["Response"]} reason {m["Reason"]} uniqueid {(m["Uniqueid"] == "<unknown>" ? "<unknown>" : "epoch.seq")}")
                .ToList(),
            events.Select(m => m.EventName!).Order(StringComparer.Ordinal).ToList(),
            cel.Select(Layout).Distinct().Order().ToList(),
            cdr.Select(Layout).Distinct().Order().ToList());
    }

    private static string Layout(AmiMessage m) => string.Join(",", m.Headers.Select(h => h.Key));
}
