using System.Globalization;
using System.Text.RegularExpressions;
using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Calls;

/// <summary>
/// Turns a real capture (the <c>.ami</c> bytes Asterisk sent and the <c>.sent</c> bytes with the Originate) into a
/// <see cref="CallScript"/>: keeps the call's events as Asterisk wrote them and replaces what changes per call with
/// placeholders. Time passes where the capture's own clocks (CEL <c>EventTime</c>, Cdr <c>EndTime</c>) move on; the
/// wait goes before the first hangup-type event of that stretch, or else before the event that showed the new time.
/// </summary>
public static partial class CaptureScriptExtractor
{
    private static readonly HashSet<string> CallClasses = new(StringComparer.OrdinalIgnoreCase)
        { "call", "cdr", "dialplan", "agent", "user" };

    private static readonly HashSet<string> HangupEvents = new(StringComparer.OrdinalIgnoreCase)
        { "HangupRequest", "SoftHangupRequest", "Hangup" };

    [GeneratedRegex(@"\b(\d{9,11})\.(\d+)\b")]
    private static partial Regex UniqueIdPattern();

    [GeneratedRegex(@"(?<=@[^;\s/]+-)([0-9a-f]{8})(?=;[12])")]
    private static partial Regex LocalNumberPattern();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex UuidPattern();

    public static CallScript Extract(string name, ReadOnlyMemory<byte> received, ReadOnlyMemory<byte> sent)
    {
        var originate = new AmiParser(expectBanner: false).ParseAll(sent)
            .FirstOrDefault(m => string.Equals(m["Action"], "Originate", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidDataException("the .sent bytes hold no Originate action");
        var request = OriginateRequest.From(originate);

        var events = new AmiParser().ParseAll(received)
            .Where(m => m.IsEvent && CallClasses.Contains(PrivilegeClass(m)))
            .ToList();
        if (events.Count == 0) throw new InvalidDataException("the capture holds no call events");

        // Uniqueids: index by sequence number (creation order); the epoch part is the second the channel was made.
        var seqs = new SortedSet<long>();
        var locals = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        foreach (var (k, v) in e.Headers)
        {
            if (IsTimestamp(k)) continue; // sec.usec looks like a uniqueid
            foreach (Match m in UniqueIdPattern().Matches(v)) seqs.Add(long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            foreach (Match m in LocalNumberPattern().Matches(v)) locals.Add(m.Value);
        }
        var uidIndex = seqs.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i);
        var localIndex = locals.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var bridgeIndex = new Dictionary<string, int>(StringComparer.Ordinal);

        var firstVariable = request.Variables.Count > 0 ? request.Variables[0].Key : null;
        var steps = new List<ScriptStep>();
        DateTime? clock = null;
        var stretchStart = 0; // index in steps where the current second's events begin

        foreach (var e in events)
        {
            var isCel = e.EventName == "CEL";
            var isCdr = e.EventName == "Cdr";
            var eachVariable = false;

            if (e.EventName == "VarSet" && request.Variables.Any(v => v.Key == e["Variable"]))
            {
                if (e["Variable"] != firstVariable) continue; // one template per leg stands for every variable
                eachVariable = true;
            }

            var marker = isCel ? ParseTime(e["EventTime"]) : isCdr ? ParseTime(e["EndTime"]) : null;
            if (marker is { } t)
            {
                if (clock is { } c && t > c)
                {
                    var at = steps.Count;
                    for (var i = stretchStart; i < steps.Count; i++)
                        if (steps[i] is EmitStep s && HangupEvents.Contains(s.Template.EventName)) { at = i; break; }
                    steps.Insert(at, new WaitStep((int)(t - c).TotalMilliseconds));
                }
                if (clock is null || t >= clock)
                {
                    clock = t;
                    stretchStart = steps.Count + 1;
                }
            }

            var headers = new List<KeyValuePair<string, TemplateValue>>();
            foreach (var (key, value) in e.Headers)
            {
                if (IsTimestamp(key)) continue; // the simulator stamps its own events (SimulatorOptions.TimestampEvents)
                var v = Templatize(key, value, isCel, isCdr, eachVariable, request, uidIndex, localIndex, bridgeIndex);
                headers.Add(new(key, TemplateValue.Parse(v)));
            }
            steps.Add(new EmitStep(new EventTemplate(headers), eachVariable));
        }

        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["script"] = name };
        if (request.Channel is { } ch) metadata["channel"] = ch;
        if (request.Application is { } app) metadata["application"] = app;
        else
        {
            if (request.Context is { } ctx) metadata["context"] = ctx;
            if (request.Exten is { } ex) metadata["exten"] = ex;
        }
        return new CallScript(name, metadata, steps);
    }

    private static string Templatize(string key, string value, bool isCel, bool isCdr, bool eachVariable,
        OriginateRequest request, Dictionary<long, int> uidIndex, Dictionary<string, int> localIndex,
        Dictionary<string, int> bridgeIndex)
    {
        if (isCel && key.Equals("EventTime", StringComparison.OrdinalIgnoreCase)) return "{{now}}";
        if (isCdr)
        {
            switch (key)
            {
                case "StartTime": return "{{cdr.start}}";
                case "AnswerTime": return value.Length == 0 ? "" : "{{cdr.answer}}";
                case "EndTime": return "{{now}}";
                case "Duration": return "{{cdr.duration}}";
                case "BillableSeconds": return "{{cdr.billsec}}";
            }
        }
        if (eachVariable && key == "Variable") return "{{var.name}}";
        if (eachVariable && key == "Value") return "{{var.value}}";
        if (key.Equals("ActionID", StringComparison.OrdinalIgnoreCase) && value == request.ActionId) return "{{actionid}}";

        var unknown = isCel || isCdr ? "" : "<unknown>";
        if (request.CallerIdNumber is { Length: > 0 } num && value == num) return "{{cid.num|" + unknown + "}}";
        if (request.CallerIdName is { Length: > 0 } cname && value == cname) return "{{cid.name|" + unknown + "}}";
        if (request.CallerId is { Length: > 0 } cid && value == cid) return "{{callerid|}}";

        // Escape literal double braces first (none in real captures, but keep the format unambiguous).
        var v = value.Replace("{{", "{ {").Replace("}}", "} }");
        v = UniqueIdPattern().Replace(v, m => "{{uid:" + uidIndex[long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)] + "}}");
        v = LocalNumberPattern().Replace(v, m => "{{local:" + localIndex[m.Value] + "}}");
        v = UuidPattern().Replace(v, m =>
        {
            if (!bridgeIndex.TryGetValue(m.Value, out var i)) bridgeIndex[m.Value] = i = bridgeIndex.Count;
            return "{{bridge:" + i + "}}";
        });
        return v;
    }

    private static bool IsTimestamp(string key) => key.Equals("Timestamp", StringComparison.OrdinalIgnoreCase);

    private static DateTime? ParseTime(string? text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t : null;

    internal static string PrivilegeClass(AmiMessage m)
    {
        var p = m["Privilege"];
        if (string.IsNullOrEmpty(p)) return "";
        var comma = p.IndexOf(',');
        return comma < 0 ? p : p[..comma];
    }
}
