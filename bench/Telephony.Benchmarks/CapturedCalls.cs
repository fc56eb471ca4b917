using System.Globalization;
using System.Text.RegularExpressions;
using Telephony.Actors.Calls;
using Telephony.Ami.Protocol;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;
using Telephony.Domain.Identity;

namespace Telephony.Benchmarks;

/// <summary>A whole call from a real capture (CEL through LINKEDID_END): its CEL and Cdr events in order.</summary>
internal sealed record CallTemplate(string Name, List<(RecordedEventKind Kind, KeyValuePair<string, string>[] Headers)> Events);

/// <summary>One instance of a template with fresh ids: the events as a call entity would journal them (each keeps its AMI
/// message, as events from a manager connection do).</summary>
internal sealed record CapturedCall(string LinkedId, List<RecordedEvent> Events, List<CelEvent> Cels);

/// <summary>Realistic journal content for the benchmarks that build journals directly: the captured calls, replayed
/// with fresh uniqueids/linkedids so that every instance is a different call.</summary>
internal static class CapturedCalls
{
    private static readonly Regex UniqueIdPattern = new(@"\b1\d{9}\.\d+\b", RegexOptions.Compiled);

    public static List<CallTemplate> Load()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures");
        var list = new List<CallTemplate>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.ami").Order())
        {
            var events = new AmiParser().ParseAll(File.ReadAllBytes(file))
                .Where(m => m.IsEvent && m.EventName is "CEL" or "Cdr")
                .Select(m => (m.EventName == "CEL" ? RecordedEventKind.Cel : RecordedEventKind.Cdr, m.Headers.ToArray()))
                .ToList();
            if (events.Any(e => e.Item2.Any(h => h.Key == "EventName" && h.Value == "LINKEDID_END")))
                list.Add(new CallTemplate(Path.GetFileNameWithoutExtension(file), events));
        }
        if (list.Count == 0) throw new InvalidOperationException($"no captured calls under {dir}");
        return list;
    }

    /// <summary>Call number <paramref name="call"/> of <paramref name="template"/>: ids rewritten, identities computed
    /// as the node computes them; null when the template yields no LinkedID.</summary>
    public static CapturedCall? Instantiate(CallTemplate template, long call)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        string Fresh(Match m)
        {
            if (!ids.TryGetValue(m.Value, out var id))
                ids[m.Value] = id = (1_700_000_000 + call).ToString(CultureInfo.InvariantCulture) + "." + ids.Count.ToString(CultureInfo.InvariantCulture);
            return id;
        }
        var recorded = new List<RecordedEvent>(template.Events.Count);
        var cels = new List<CelEvent>();
        string? linkedId = null;
        foreach (var (kind, original) in template.Events)
        {
            var headers = original.Select(h => new KeyValuePair<string, string>(h.Key, UniqueIdPattern.Replace(h.Value, Fresh))).ToArray();
            string identity;
            if (kind == RecordedEventKind.Cel)
            {
                var cel = CelEventFactory.Parse(headers, TimeZoneInfo.Utc);
                if (!cel.IsValid) continue;
                cels.Add(cel.Value!);
                linkedId ??= cel.Value!.LinkedId;
                identity = EventIdentity.ForCel(cel.Value!).Value;
            }
            else
            {
                var cdr = CdrRecordFactory.Parse(headers, TimeZoneInfo.Utc);
                if (!cdr.IsValid) continue;
                identity = EventIdentity.ForCdr(cdr.Value!).Value;
            }
            // As the node keeps it: the message as it would arrive on the manager connection.
            recorded.Add(new RecordedEvent(kind, identity, DateTimeOffset.UtcNow, AmiMessage.From(headers)));
        }
        return linkedId is null ? null : new CapturedCall(linkedId, recorded, cels);
    }

    /// <summary>The journal's CSV tags of a row holding <paramref name="chunk"/> (as the call entity tags it).</summary>
    public static string TagCsv(IReadOnlyCollection<RecordedEvent> chunk) =>
        chunk.Any(e => e.Kind == RecordedEventKind.Cdr)
            ? chunk.Any(e => e.Kind == RecordedEventKind.Cel) ? ";cel;cdr;" : ";cdr;"
            : ";cel;";
}
