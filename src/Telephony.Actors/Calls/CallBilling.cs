using System.Text.Json;
using Telephony.Actors.Serialization;
using Telephony.Domain.Billing;
using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;

namespace Telephony.Actors.Calls;

/// <summary>The call entity's bridge to the pure CEL -> billing interpreter.</summary>
internal static class CallBilling
{
    // One interpreter for all calls: its chain is maps from event type to static handlers, read-only once built; all
    // per-call state lives in the CallBuilder each derivation makes (building the chain per call showed in profiles).
    private static readonly CelBillingInterpreter Interpreter = new();

    public static IReadOnlyList<BillingRecord> Derive(string linkedId, IReadOnlyList<RecordedEvent> events, TimeZoneInfo zone)
    {
        var cels = new List<CelEvent>(events.Count);
        var cdrEvents = 0;
        foreach (var e in events)
        {
            if (e.Kind == RecordedEventKind.Cdr)
            {
                cdrEvents++;
                continue;
            }
            if (e.ParsedCel is null)
            {
                var parsed = CelEventFactory.Parse(e.Headers, zone);
                if (!parsed.IsValid) continue;
                e.ParsedCel = parsed.Value!;
            }
            cels.Add(e.ParsedCel);
        }
        if (cels.Count == 0) return [];
        // Asterisk's own Cdr give exact seconds to a call without manager Timestamps (see BillingRules); a call with
        // them never reads its Cdr, so they are parsed only then (a call is derived again at every amendment).
        List<CdrRecord>? cdrs = null;
        if (cdrEvents > 0 && !CelBillingInterpreter.TimestampsUsable(linkedId, cels, out _))
            foreach (var e in events)
                if (e.Kind == RecordedEventKind.Cdr && CdrRecordFactory.Parse(e.Headers, zone) is { IsValid: true } cdr)
                    (cdrs ??= []).Add(cdr.Value!);
        return [Interpreter.InterpretCall(cels, cdrs)];
    }

    /// <summary>Billing records are records with lists inside: compare what would be journaled.</summary>
    public static bool SameRecords(IReadOnlyList<BillingRecord> a, IReadOnlyList<BillingRecord> b) =>
        JsonSerializer.Serialize(a, TelephonySerializer.BillingJson) == JsonSerializer.Serialize(b, TelephonySerializer.BillingJson);
}
