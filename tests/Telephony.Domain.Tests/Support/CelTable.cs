using System.Globalization;
using Telephony.Domain.Billing;
using Telephony.Domain.Cel;

namespace Telephony.Domain.Tests.Support;

/// <summary>
/// A scenario written as a table (tests/fixtures/cel-tables/*.txt): one CEL per row under a header row naming the
/// columns, then one <c>expect &lt;linkedid&gt;:</c> block per call with <c>key = value</c> lines (see
/// <see cref="BillingView"/> for the keys). Lines starting with <c>#</c> are comments. Rows go through the real
/// <see cref="CelEventFactory"/>, so a table is exactly what the AMI would have delivered.
/// <code>
/// timezone: UTC
/// events:
/// eventtime           | eventname  | uniqueid | linkedid | channel            | extra
/// 2026-01-10 10:00:00 | CHAN_START | 1.1      | 1.1      | SIP/alice-00000001 |
/// expect 1.1:
/// disposition = ANSWERED
/// </code>
/// </summary>
public sealed class CelTable
{
    /// <summary>Table column → AMI CEL header.</summary>
    private static readonly Dictionary<string, string> Columns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["eventtime"] = "EventTime", ["eventname"] = "EventName", ["uniqueid"] = "UniqueID", ["linkedid"] = "LinkedID",
        ["channel"] = "Channel", ["peer"] = "Peer", ["app"] = "Application", ["appdata"] = "AppData",
        ["context"] = "Context", ["exten"] = "Exten", ["cidnum"] = "CallerIDnum", ["cidname"] = "CallerIDname",
        ["accountcode"] = "AccountCode", ["peeraccount"] = "PeerAccount", ["userdeftype"] = "UserDefType",
        ["userfield"] = "Userfield", ["extra"] = "Extra", ["timestamp"] = "Timestamp",
    };

    public required string Name { get; init; }
    public required TimeZoneInfo Zone { get; init; }
    public required IReadOnlyList<CelEvent> Events { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Expectations { get; init; }

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "fixtures", "cel-tables");

    public static IEnumerable<string> All() =>
        System.IO.Directory.GetFiles(Directory, "*.txt").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static CelTable Load(string fileName)
    {
        var lines = File.ReadAllLines(Path.Combine(Directory, fileName));
        var zone = TimeZoneInfo.Utc;
        string[]? header = null;
        var events = new List<CelEvent>();
        var expectations = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        var section = "";

        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string Where() => $"{fileName}:{n + 1}";

            if (line.StartsWith("timezone:", StringComparison.OrdinalIgnoreCase))
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(line["timezone:".Length..].Trim());
                continue;
            }
            if (line.Equals("events:", StringComparison.OrdinalIgnoreCase))
            {
                section = "events";
                continue;
            }
            if (line.StartsWith("expect ", StringComparison.OrdinalIgnoreCase) && line.EndsWith(':'))
            {
                section = "expect";
                current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                expectations.Add(line["expect ".Length..^1].Trim(), current);
                continue;
            }

            if (section == "events")
            {
                var cells = line.Split('|').Select(c => c.Trim()).ToArray();
                if (header is null)
                {
                    foreach (var c in cells)
                        if (!Columns.ContainsKey(c)) throw new FormatException($"{Where()}: unknown column '{c}'");
                    header = cells;
                    continue;
                }
                if (cells.Length != header.Length)
                    throw new FormatException($"{Where()}: {cells.Length} cells for {header.Length} columns");
                var headers = new List<KeyValuePair<string, string>> { new("Event", "CEL"), new("Privilege", "call,all") };
                for (var i = 0; i < header.Length; i++) headers.Add(new(Columns[header[i]], cells[i]));
                var parsed = CelEventFactory.Parse(headers, zone);
                if (!parsed.IsValid) throw new FormatException($"{Where()}: {parsed.Error}");
                events.Add(parsed.Value);
            }
            else if (section == "expect" && current is not null)
            {
                var eq = line.IndexOf('=');
                if (eq < 0) throw new FormatException($"{Where()}: expected 'key = value'");
                current[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
            else
            {
                throw new FormatException($"{Where()}: line outside 'events:' or 'expect <linkedid>:'");
            }
        }
        return new CelTable { Name = fileName, Zone = zone, Events = events, Expectations = expectations };
    }
}

/// <summary>A billing record flattened to <c>key → text</c>, the vocabulary of the tables' expect blocks. Times are
/// UTC <c>yyyy-MM-dd HH:mm:ss</c>; absent values are <c>-</c>; lists are joined with <c>, </c>.</summary>
public static class BillingView
{
    public static IReadOnlyDictionary<string, string> Of(BillingRecord r)
    {
        var v = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["linkedid"] = r.LinkedId,
            ["caller"] = r.CallerNumber,
            ["callername"] = r.CallerName,
            ["dst"] = r.Destination,
            ["dstcontext"] = r.DestinationContext,
            ["src.channel"] = r.SourceChannel,
            ["dst.channel"] = r.DestinationChannel ?? "-",
            ["start"] = T(r.Start),
            ["answer"] = T(r.Answer),
            ["end"] = T(r.End),
            ["duration"] = I(r.DurationSeconds),
            ["billsec"] = I(r.BillableSeconds),
            ["disposition"] = r.Disposition.ToAsteriskString(),
            ["hangup.cause"] = r.HangupCause is { } c ? I(c) : "-",
            ["hangup.source"] = S(r.HangupSource),
            ["dialstatus"] = S(r.DialStatus),
            ["accountcode"] = S(r.AccountCode),
            ["peeraccount"] = S(r.PeerAccount),
            ["dst.accountcode"] = S(r.DestinationAccountCode),
            ["complete"] = r.IsComplete ? "yes" : "no",
            ["movedaway"] = L(r.ChannelsMovedAway),
            ["joined"] = L(r.ChannelsJoined),
            ["notes.count"] = I(r.Notes.Count),
            ["queue"] = r.Queue is null ? "-" : "yes",
            ["transfer.count"] = I(r.Transfers.Count),
            ["localopt.count"] = I(r.LocalOptimizations.Count),
            ["userevent.count"] = I(r.UserEvents.Count),
            ["forward.count"] = I(r.Forwards.Count),
            ["park"] = r.Park is null ? "-" : "yes",
            ["pickup"] = r.Pickup is null ? "-" : "yes",
        };
        if (r.Queue is { } q)
        {
            v["queue.name"] = q.QueueName;
            v["queue.entered"] = T(q.EnteredAt);
            v["queue.wait"] = I(q.WaitSeconds);
            v["queue.agent"] = q.AgentChannel ?? "-";
            v["queue.agentinterface"] = q.AgentInterface ?? "-";
            v["queue.abandoned"] = q.Abandoned ? "yes" : "no";
            v["queue.rung"] = L(q.AgentsRung);
        }
        for (var i = 0; i < r.Transfers.Count; i++)
        {
            var t = r.Transfers[i];
            var p = $"transfer.{i + 1}.";
            v[p + "kind"] = t.Kind.ToString();
            v[p + "at"] = T(t.At);
            v[p + "transferer"] = t.TransfererChannel;
            v[p + "transferee"] = t.TransfereeChannel ?? "-";
            v[p + "target.exten"] = t.TargetExtension ?? "-";
            v[p + "target.context"] = t.TargetContext ?? "-";
            v[p + "target.channel"] = t.TargetChannel ?? "-";
            v[p + "target.app"] = t.TargetApplication ?? "-";
        }
        if (r.Park is { } pk)
        {
            v["park.channel"] = pk.ParkedChannel;
            v["park.lot"] = pk.ParkingLot;
            v["park.parker"] = pk.ParkerDialString;
            v["park.at"] = T(pk.ParkedAt);
            v["park.ended"] = T(pk.EndedAt);
            v["park.reason"] = pk.Reason ?? "-";
            v["park.retriever"] = pk.RetrieverChannel ?? "-";
        }
        if (r.Pickup is { } pu)
        {
            v["pickup.target"] = pu.TargetChannel;
            v["pickup.by"] = pu.PickupChannel;
            v["pickup.at"] = T(pu.At);
        }
        for (var i = 0; i < r.LocalOptimizations.Count; i++)
        {
            var o = r.LocalOptimizations[i];
            var p = $"localopt.{i + 1}.";
            v[p + "one"] = o.LocalOne;
            v[p + "two"] = o.LocalTwo;
            v[p + "began"] = T(o.BeganAt);
            v[p + "completed"] = T(o.CompletedAt);
        }
        for (var i = 0; i < r.UserEvents.Count; i++)
        {
            var u = r.UserEvents[i];
            var p = $"userevent.{i + 1}.";
            v[p + "name"] = u.Name;
            v[p + "extra"] = S(u.Extra);
            v[p + "channel"] = u.Channel;
            v[p + "known"] = u.IsKnownUserDefined ? "yes" : "no";
        }
        for (var i = 0; i < r.Forwards.Count; i++)
        {
            v[$"forward.{i + 1}.channel"] = r.Forwards[i].Channel;
            v[$"forward.{i + 1}.to"] = r.Forwards[i].ForwardedTo;
        }
        v["segment.count"] = I(r.Segments.Count);
        foreach (var s in r.Segments)
        {
            var p = $"segment.{s.Number}.";
            v[p + "a"] = s.PartyA.Channel;
            v[p + "a.uniqueid"] = s.PartyA.UniqueId;
            v[p + "a.number"] = S(s.PartyA.Number);
            v[p + "b"] = s.PartyB.Channel;
            v[p + "b.uniqueid"] = s.PartyB.UniqueId;
            v[p + "b.number"] = S(s.PartyB.Number);
            v[p + "start"] = T(s.Start);
            v[p + "answer"] = T(s.Answer);
            v[p + "end"] = T(s.End);
            v[p + "billsec"] = I(s.BillableSeconds);
            v[p + "duration"] = I(s.DurationSeconds);
            v[p + "began"] = s.BeganBy.ToString();
            v[p + "ended"] = s.EndedBy.ToString();
        }
        return v;
    }

    private static string T(DateTimeOffset? t) =>
        t is null ? "-" : t.Value.UtcDateTime.ToString(t.Value.Ticks % TimeSpan.TicksPerSecond == 0
            ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);

    private static string I(int i) => i.ToString(CultureInfo.InvariantCulture);
    private static string S(string s) => s.Length == 0 ? "-" : s;
    private static string L(IReadOnlyList<string> l) => l.Count == 0 ? "-" : string.Join(", ", l);
}
