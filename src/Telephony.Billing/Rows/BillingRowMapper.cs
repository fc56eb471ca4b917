using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Persistence.Query;
using Telephony.Actors.Actions;
using Telephony.Actors.Calls;
using Telephony.Actors.Queues;
using Telephony.Domain.Billing;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;

namespace Telephony.Billing.Rows;

/// <summary>
/// Turns journal events into table rows, as a pure function of the events (no I/O): a <c>cdr</c>-tag projection takes
/// the Cdr events of <see cref="CallEventsRecorded"/>, a <c>cel</c>-tag projection its CEL events, a
/// <c>billing</c>-tag projection the records of <see cref="CallCompleted"/> (a <c>call</c> row and a cel-derived
/// <c>cdr</c> row each), an <c>actions</c>-tag projection the action queues' events (applied to <c>ami_action</c> rows
/// by the sink, which holds their state), a <c>queues</c>-tag projection the queue and agent entities' events (folded
/// into queue_call, queue_agent, agent_session and queue_log rows by the sink). Times Asterisk wrote in the node's local zone (calldate, eventtime) stay local, as Asterisk's
/// own cdr/cel backends write them; the instants are kept in UTC columns.
/// </summary>
public sealed class BillingRowMapper(Func<string, TimeZoneInfo> timeZoneOf)
{
    private static readonly JsonSerializerOptions DetailsJson = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Events that could not be turned into rows (a Cdr or CEL the domain parser refuses; the call entity
    /// quarantines those before journaling, so this stays 0 unless the journal holds older data).</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    private long _skipped;

    public ProjectionBatch Map(string projection, string tag, IReadOnlyList<EventEnvelope> envelopes)
    {
        var cdr = new List<CdrRow>();
        var cel = new List<CelRow>();
        var calls = new List<CallRow>();
        var segments = new List<SegmentRow>();
        var actions = new List<ActionJournalEntry>();
        var queues = new List<QueueJournalEntry>();
        long offset = 0, timestamp = 0;
        foreach (var envelope in envelopes)
        {
            var ordering = envelope.Offset is Sequence s ? s.Value : 0;
            offset = Math.Max(offset, ordering);
            timestamp = Math.Max(timestamp, envelope.Timestamp);
            switch (envelope.Event)
            {
                case CallEventsRecorded recorded when tag == CallTags.Cdr:
                    foreach (var e in recorded.Events)
                        if (e.Kind == RecordedEventKind.Cdr && ToCdrRow(recorded.Node, e, recorded.LinkedId) is { } row) cdr.Add(row);
                    break;
                case CallEventsRecorded recorded when tag == CallTags.Cel:
                    foreach (var e in recorded.Events)
                        if (e.Kind == RecordedEventKind.Cel && ToCelRow(recorded.Node, e) is { } row) cel.Add(row);
                    break;
                case CallCompleted completed when tag == CallTags.Billing:
                    for (var i = 0; i < completed.Records.Count; i++)
                    {
                        calls.Add(ToCallRow(completed, i));
                        cdr.Add(ToDerivedCdrRow(completed, i));
                        AddSegmentRows(completed, i, segments);
                    }
                    break;
                case ActionQueued queued when tag == ActionTags.Actions:
                    actions.Add(new ActionJournalEntry(ordering, queued.Action.Node, queued.Action, null));
                    break;
                case ActionMoved moved when tag == ActionTags.Actions:
                    actions.Add(new ActionJournalEntry(ordering, moved.Node, null, moved.Transition));
                    break;
                case Telephony.Domain.Queues.Calls.IQueueEvent or Telephony.Domain.Queues.Agents.IAgentEvent when tag == QueueTags.Queues:
                    queues.Add(new QueueJournalEntry(ordering, envelope.SequenceNr, EntityOf(envelope.PersistenceId), envelope.Event));
                    break;
            }
        }
        return new ProjectionBatch(projection, offset, envelopes.Count, timestamp, cdr, cel, calls, segments, actions, queues);
    }

    /// <summary><c>queue/support</c> → <c>support</c>, <c>agent/1001</c> → <c>1001</c>.</summary>
    private static string EntityOf(string persistenceId) =>
        persistenceId.IndexOf('/') is var slash and >= 0 ? persistenceId[(slash + 1)..] : persistenceId;

    /// <param name="callLinkedId">The LinkedID of the call the node filed the Cdr under: it fills <c>linkedid</c> when
    /// cdr_manager.conf does not map it (the column would be empty otherwise; the node learned it from the channel's
    /// CEL).</param>
    public CdrRow? ToCdrRow(string node, RecordedEvent e, string? callLinkedId = null)
    {
        var zone = timeZoneOf(node);
        var parsed = CdrRecordFactory.Parse(e.Headers, zone);
        if (!parsed.IsValid)
        {
            Interlocked.Increment(ref _skipped);
            return null;
        }
        var r = parsed.Value;
        return new CdrRow
        {
            CallDate = Local(r.StartTime.Utc, zone, wholeSeconds: true),
            Clid = r.CallerId,
            Src = r.Source,
            Dst = r.Destination,
            DContext = r.DestinationContext,
            Channel = r.Channel,
            DstChannel = r.DestinationChannel,
            LastApp = r.LastApplication,
            LastData = r.LastData,
            Duration = r.Duration,
            BillSec = r.BillableSeconds,
            Disposition = r.DispositionText,
            AmaFlags = AmaFlagsNumber(r.AmaFlags),
            AccountCode = r.AccountCode,
            UniqueId = r.UniqueId,
            UserField = r.UserField,
            LinkedId = string.IsNullOrEmpty(r.LinkedId) ? callLinkedId ?? "" : r.LinkedId,
            Sequence = int.TryParse(r.Sequence, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq) ? seq : null,
            PeerAccount = r.PeerAccount ?? "",
            Node = node,
            Origin = CdrOrigin.AsteriskCdr,
            RecordId = e.Identity,
            StartUtc = r.StartTime.Utc.UtcDateTime,
            AnswerUtc = r.AnswerTime?.Utc.UtcDateTime,
            EndUtc = r.EndTime.Utc.UtcDateTime,
            Revision = 0,
        };
    }

    public CelRow? ToCelRow(string node, RecordedEvent e)
    {
        var zone = timeZoneOf(node);
        var parsed = CelEventFactory.Parse(e.Headers, zone);
        if (!parsed.IsValid)
        {
            Interlocked.Increment(ref _skipped);
            return null;
        }
        var c = parsed.Value;
        return new CelRow
        {
            EventType = c.EventName,
            EventTime = Local(c.EventTime.Utc, zone, wholeSeconds: false),
            UserDefType = c.UserDefType,
            CidName = c.CallerIdName,
            CidNum = c.CallerIdNum,
            CidAni = c.CallerIdAni,
            CidRdnis = c.CallerIdRdnis,
            CidDnid = c.CallerIdDnid,
            Exten = c.Exten,
            Context = c.Context,
            ChanName = c.Channel,
            AppName = c.Application,
            AppData = c.AppData,
            AmaFlags = AmaFlagsNumber(c.AmaFlags),
            AccountCode = c.AccountCode,
            PeerAccount = c.PeerAccount,
            UniqueId = c.UniqueId,
            LinkedId = c.LinkedId,
            UserField = c.UserField,
            Peer = c.Peer,
            Extra = e.Header("Extra") ?? "",
            Node = node,
            EventId = e.Identity,
            EventTimeUtc = c.EventTime.Utc.UtcDateTime,
        };
    }

    /// <summary>The record's call segments as <c>call_segment</c> rows.</summary>
    public static void AddSegmentRows(CallCompleted completed, int index, List<SegmentRow> rows)
    {
        var b = completed.Records[index];
        foreach (var s in b.Segments)
            rows.Add(new SegmentRow
            {
                Node = completed.Node,
                LinkedId = completed.LinkedId,
                RecordIndex = index,
                Segment = s.Number,
                Revision = completed.Revision,
                PartyAChannel = s.PartyA.Channel,
                PartyAUniqueId = s.PartyA.UniqueId,
                PartyANumber = s.PartyA.Number,
                PartyBChannel = s.PartyB.Channel,
                PartyBUniqueId = s.PartyB.UniqueId,
                PartyBNumber = s.PartyB.Number,
                StartUtc = s.Start.UtcDateTime,
                AnswerUtc = s.Answer.UtcDateTime,
                EndUtc = s.End.UtcDateTime,
                Duration = s.DurationSeconds,
                BillSec = s.BillableSeconds,
                BeganBy = s.BeganBy.ToString().ToLowerInvariant(),
                EndedBy = s.EndedBy.ToString().ToLowerInvariant(),
                SecondsPrecision = PrecisionText(s.Precision),
            });
    }

    /// <summary>The <c>seconds_precision</c> column's words.</summary>
    public static string PrecisionText(SecondsPrecision precision) => precision switch
    {
        Domain.Billing.SecondsPrecision.ManagerTimestamp => "timestamp",
        Domain.Billing.SecondsPrecision.AsteriskCdr => "asterisk-cdr",
        _ => "whole-seconds",
    };

    public CallRow ToCallRow(CallCompleted completed, int index)
    {
        var b = completed.Records[index];
        return new CallRow
        {
            Node = completed.Node,
            LinkedId = completed.LinkedId,
            RecordIndex = index,
            Revision = completed.Revision,
            Reason = completed.Reason,
            CompletedAtUtc = completed.CompletedAt.UtcDateTime,
            CallerNumber = b.CallerNumber,
            CallerName = b.CallerName,
            Destination = b.Destination,
            DestinationContext = b.DestinationContext,
            SourceChannel = b.SourceChannel,
            DestinationChannel = b.DestinationChannel,
            StartUtc = b.Start.UtcDateTime,
            AnswerUtc = b.Answer?.UtcDateTime,
            EndUtc = b.End.UtcDateTime,
            Duration = b.DurationSeconds,
            BillSec = b.BillableSeconds,
            SecondsPrecision = PrecisionText(b.Precision),
            Disposition = b.Disposition.ToAsteriskString(),
            HangupCause = b.HangupCause,
            HangupSource = b.HangupSource,
            DialStatus = b.DialStatus,
            AccountCode = b.AccountCode,
            PeerAccount = b.PeerAccount,
            DestinationAccountCode = b.DestinationAccountCode,
            QueueName = b.Queue?.QueueName,
            IsComplete = b.IsComplete,
            Details = DetailsOf(b),
        };
    }

    /// <summary>The billing record in the columns of Asterisk's cdr table, so a CDR viewer shows it next to (or instead
    /// of) Asterisk's own Cdr: uniqueid = linkedid (the originating channel), sequence = the record's index.</summary>
    public CdrRow ToDerivedCdrRow(CallCompleted completed, int index)
    {
        var b = completed.Records[index];
        var zone = timeZoneOf(completed.Node);
        return new CdrRow
        {
            CallDate = Local(b.Start, zone, wholeSeconds: true),
            Clid = b.CallerName.Length > 0 ? $"\"{b.CallerName}\" <{b.CallerNumber}>" : b.CallerNumber,
            Src = b.CallerNumber,
            Dst = b.Destination,
            DContext = b.DestinationContext,
            Channel = b.SourceChannel,
            DstChannel = b.DestinationChannel ?? "",
            LastApp = b.Queue is not null ? "Queue" : b.DialStatus.Length > 0 ? "Dial" : "",
            LastData = b.Queue?.QueueName ?? "",
            Duration = b.DurationSeconds,
            BillSec = b.BillableSeconds,
            Disposition = b.Disposition.ToAsteriskString(),
            AmaFlags = 0,
            AccountCode = b.AccountCode,
            UniqueId = b.LinkedId,
            UserField = "",
            LinkedId = b.LinkedId,
            Sequence = index,
            PeerAccount = b.PeerAccount,
            Node = completed.Node,
            Origin = CdrOrigin.CelDerived,
            RecordId = $"{completed.LinkedId}#{index}",
            StartUtc = b.Start.UtcDateTime,
            AnswerUtc = b.Answer?.UtcDateTime,
            EndUtc = b.End.UtcDateTime,
            Revision = completed.Revision,
        };
    }

    /// <summary>Asterisk's AMA flag numbers (cdr.h): OMIT 1, BILLING 2, DOCUMENTATION 3; 0 when unset or unknown.</summary>
    public static int AmaFlagsNumber(string text) => text.Trim().ToUpperInvariant() switch
    {
        "OMIT" => 1,
        "BILLING" => 2,
        "DOCUMENTATION" or "DEFAULT" => 3,
        var t when int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => 0,
    };

    private static DateTime Local(DateTimeOffset utc, TimeZoneInfo zone, bool wholeSeconds)
    {
        var local = TimeZoneInfo.ConvertTime(utc, zone).DateTime;
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // DATETIME(0) columns: Asterisk's backends cut the fraction (they format with %Y-%m-%d %T).
        return wholeSeconds ? local.AddTicks(-(local.Ticks % TimeSpan.TicksPerSecond)) : Micro(local);
    }

    private static DateTime Micro(DateTime t) => t.AddTicks(-(t.Ticks % 10));

    private static string DetailsOf(BillingRecord b) => JsonSerializer.Serialize(new
    {
        b.Queue,
        Transfers = b.Transfers.Count > 0 ? b.Transfers : null,
        b.Park,
        b.Pickup,
        LocalOptimizations = b.LocalOptimizations.Count > 0 ? b.LocalOptimizations : null,
        Forwards = b.Forwards.Count > 0 ? b.Forwards : null,
        UserEvents = b.UserEvents.Count > 0 ? b.UserEvents : null,
        ChannelsMovedAway = b.ChannelsMovedAway.Count > 0 ? b.ChannelsMovedAway : null,
        ChannelsJoined = b.ChannelsJoined.Count > 0 ? b.ChannelsJoined : null,
        Notes = b.Notes.Count > 0 ? b.Notes : null,
    }, DetailsJson);
}
