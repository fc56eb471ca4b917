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
        List<CdrRecord>? cdrs = null;
        foreach (var e in events)
        {
            if (e.Kind == RecordedEventKind.Cdr)
            {
                // Asterisk's own Cdr: exact seconds for a call without manager Timestamps (see BillingRules).
                if (CdrRecordFactory.Parse(e.Headers, zone) is { IsValid: true } cdr) (cdrs ??= []).Add(cdr.Value!);
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
        return cels.Count == 0 ? [] : [Interpreter.InterpretCall(cels, cdrs)];
    }

    /// <summary>Billing records are records with lists inside: compare what would be journaled.</summary>
    public static bool SameRecords(IReadOnlyList<BillingRecord> a, IReadOnlyList<BillingRecord> b) =>
        JsonSerializer.Serialize(a, TelephonySerializer.BillingJson) == JsonSerializer.Serialize(b, TelephonySerializer.BillingJson);
}
