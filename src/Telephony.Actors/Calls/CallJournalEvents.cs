using Telephony.Actors.Serialization;
using Telephony.Domain.Billing;

namespace Telephony.Actors.Calls;

/// <summary>Journal tags read by projections.</summary>
public static class CallTags
{
    public const string Cel = "cel";
    public const string Cdr = "cdr";
    public const string Billing = "billing";
    public const string Gap = "gap";
    public const string Quarantine = "quarantine";
}

/// <summary>Journaled: events of one call, each seen for the first time. One journal row carries every new event of
/// one delivery, so a busy node writes a row per call per round rather than a row per event.</summary>
public sealed record CallEventsRecorded(string Node, string LinkedId, IReadOnlyList<RecordedEvent> Events) : ITelephonyMessage;

/// <summary>Journaled: the call is complete and these are its billing records. <paramref name="Revision"/> 1 is the
/// first record; a higher one amends it (late events changed the outcome).</summary>
public sealed record CallCompleted(
    string Node,
    string LinkedId,
    int Revision,
    string Reason,
    DateTimeOffset CompletedAt,
    IReadOnlyList<BillingRecord> Records) : ITelephonyMessage;
