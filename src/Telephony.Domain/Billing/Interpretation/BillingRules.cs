using Telephony.Domain.Time;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// Turns what the interpreters gathered about one LinkedID into its <see cref="BillingRecord"/>. The rules, in full:
/// <para><b>Who is who.</b></para>
/// <list type="number">
/// <item><b>Originating channel</b>: the channel whose UniqueID equals the LinkedID (Asterisk gives a call's first
/// channel its own UniqueID as LinkedID; <c>Originate</c> with ChannelId keeps this true); failing that, the first
/// channel seen. It is <see cref="BillingRecord.SourceChannel"/>.</item>
/// <item><b>Caller side</b>: the originating channel plus, when it is a Local half, its twin. An <c>Originate</c> to
/// <c>Local/x@ctx</c> creates <c>;1</c> (the originator's end, which goes to the Originate's Exten/Application once
/// answered) and <c>;2</c> (which runs <c>x@ctx</c>: the Dial(), Queue() or Answer() that decides the call).
/// Together they are the caller.</item>
/// <item><b>Caller id</b>: the first non-empty CallerIDnum/name on the originating channel, else on its twin (CHAN_START
/// of an originated channel has none yet).</item>
/// <item><b>Destination</b>: the Exten (and Context) of the originating channel's CHAN_START, skipping <c>s</c>.</item>
/// <item><b>Destination channel</b>: the first channel bridged with the caller side, looked through Local channels
/// (if it is a Local half whose twin is bridged with someone, that someone, repeatedly; LOCAL_OPTIMIZE leaves the same
/// answer); when nobody was bridged, the last channel Dial() or Queue() rang (AppDial/AppQueue legs); else null.</item>
/// </list>
/// <para><b>Disposition</b>, first rule that applies:</para>
/// <list type="number">
/// <item>Any caller-side channel was answered (ANSWER) → ANSWERED. This includes a dialplan Answer() before Queue() or
/// an IVR: the caller's line was answered and is billable, exactly as Asterisk's Cdr for the originating channel says.
/// Whether an agent took the call is in <see cref="BillingRecord.Queue"/>.</item>
/// <item>A caller-side HANGUP carries a DIALSTATUS (ANSWER wins over any other, else the last one) → cdr.c's
/// dial_status_to_disposition: BUSY → BUSY; NOANSWER, CANCEL → NO ANSWER; CONGESTION → CONGESTION (cdr.conf
/// <c>congestion=yes</c>); CHANUNAVAIL and anything else → FAILED.</item>
/// <item>Otherwise the caller side's non-zero hangup causes — or, when it has none (cause 0, unreadable Extra), those
/// of the legs it dialled, as cdr.c falls back from party A's cause to party B's — mapped as cdr.c's
/// cdr_object_set_disposition: 17 → BUSY;
/// 34, 42 → CONGESTION; 16, 18, 19 → NO ANSWER; any other non-zero → FAILED; the strongest wins
/// (BUSY &gt; CONGESTION &gt; FAILED &gt; NO ANSWER); no non-zero cause at all → FAILED (what Asterisk writes for a
/// channel that ends with cause 0).</item>
/// </list>
/// <para><b>Times and seconds.</b></para>
/// <list type="bullet">
/// <item><b>Start</b>: CHAN_START of the originating channel (else the first event).</item>
/// <item><b>Answer</b>: the first ANSWER on the caller side; none when not answered.</item>
/// <item><b>End</b>: the last HANGUP (else CHAN_END) among the caller side and every channel that was ever bridged in
/// the call — the conversation lasts until its last connected party hangs up, transfers included; channels that only
/// rang are not counted. Without any, LINKEDID_END, else the last event.</item>
/// <item><b>Duration</b> = whole seconds Start→End, <b>billsec</b> = whole seconds Answer→End (0 when not
/// answered), truncated like cdr.c (<see cref="AsteriskDurations"/>). Which instants, in order of preference
/// (<see cref="BillingRecord.Precision"/> says which was used):
/// <list type="number">
/// <item>every CEL of the call has a manager <c>Timestamp</c> (<c>timestampevents = yes</c>) consistent with its
/// EventTime: the instants are those, to the microsecond — exact (checked against Asterisk's Master.csv);</item>
/// <item>else Asterisk's own Cdr of the originating channel whose start, answer and end equal the record's to the
/// second: CHAN_START/ANSWER/HANGUP and the Cdr are stamped from the same channel snapshots, so its Duration and
/// BillableSeconds are the exact figures for the same span — taken as they are;</item>
/// <item>else the whole-second EventTimes: Asterisk's figure or one second more, never less, and the record says
/// so.</item>
/// </list></item>
/// </list>
/// <para><b>Hangup</b>: cause = the first of the causes used by disposition rule 3, in event order; source = first
/// non-empty hangupsource among them; dial status as in disposition rule 2.</para>
/// </summary>
public static class BillingRules
{
    public static BillingRecord Build(CallBuilder call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Legs.Count == 0) throw new ArgumentException("no CEL events were interpreted", nameof(call));

        var origin = call.FindByUniqueId(call.LinkedId);
        if (origin is null)
        {
            origin = call.Legs.FirstOrDefault(l => l.StartedAt is not null) ?? call.Legs[0];
            call.Note($"no channel has UniqueID = LinkedID {call.LinkedId}; {origin.Name} taken as the caller");
        }
        var callerSide = new List<ChannelLeg> { origin };
        if (ChannelName.LocalTwin(origin.Name) is { } twinName && call.FindByName(twinName) is { } twin)
            callerSide.Add(twin);

        var partners = call.Connections
            .Where(c => callerSide.Any(c.Involves))
            .Select(c => (Connection: c, Party: c.Other(callerSide.First(c.Involves))))
            .Where(p => !callerSide.Contains(p.Party))
            .ToList();

        ChannelLeg? destinationLeg = partners.Count > 0
            ? Resolve(call, partners[0].Party)
            : call.Legs.LastOrDefault(l => l.IsDialedLeg || l.IsQueueMemberLeg);

        var answer = callerSide.Where(l => l.AnsweredAt is not null).Min(l => l.AnsweredAt);
        var hangups = callerSide.Where(l => l.Hangup is not null).OrderBy(l => l.HangupOrdinal).Select(l => l.Hangup!).ToList();
        var dialStatuses = hangups.Select(h => h.DialStatus).Where(s => s.Length > 0).ToList();
        var dialStatus = dialStatuses.Contains("ANSWER", StringComparer.OrdinalIgnoreCase) ? "ANSWER" : dialStatuses.LastOrDefault() ?? "";
        // Causes: the caller side's; when it has none (cause 0, or an unreadable Extra), those of the legs it dialled,
        // as cdr.c falls back from party A's cause to party B's.
        var causes = hangups.Select(h => h.Cause ?? 0).Where(c => c != 0).ToList();
        if (causes.Count == 0)
            causes = call.Legs.Where(l => (l.IsDialedLeg || l.IsQueueMemberLeg) && l.Hangup?.Cause is not null and not 0)
                .OrderBy(l => l.HangupOrdinal).Select(l => l.Hangup!.Cause!.Value).ToList();
        int? hangupCause = causes.Count > 0 ? causes[0] : null;

        var disposition = answer is not null ? CallDisposition.Answered
            : dialStatus.Length > 0 ? FromDialStatus(dialStatus)
            : FromHangupCauses(causes);

        var start = origin.StartedAt ?? call.FirstEventAt!.Value;
        var conversation = callerSide.Concat(call.Connections.SelectMany(c => new[] { c.First, c.Second })).Distinct().ToList();
        var ends = conversation.Select(l => l.HungUpAt ?? l.EndedAt).Where(t => t is not null).Select(t => t!.Value).ToList();
        var end = ends.Count > 0 ? ends.Max() : call.LinkedIdEndedAt ?? call.LastEventAt!.Value;
        if (end < start) end = start;

        var seconds = Seconds(call, origin, start, answer, end);
        var complete = call.LinkedIdEndedAt is not null;
        if (!complete) call.Note("no LINKEDID_END: the call may not be over");

        return new BillingRecord
        {
            LinkedId = call.LinkedId,
            CallerNumber = FirstNonEmpty(callerSide.Select(l => l.CallerIdNum)),
            CallerName = FirstNonEmpty(callerSide.Select(l => l.CallerIdName)),
            Destination = DestinationExten(origin, callerSide),
            DestinationContext = origin.StartContext,
            SourceChannel = origin.Name,
            DestinationChannel = destinationLeg?.Name,
            Start = start,
            Answer = answer,
            End = end,
            DurationSeconds = seconds.Duration,
            BillableSeconds = seconds.Billable,
            Precision = seconds.Precision,
            Disposition = disposition,
            HangupCause = hangupCause,
            HangupSource = FirstNonEmpty(hangups.Select(h => h.Source)),
            DialStatus = dialStatus,
            AccountCode = FirstNonEmpty(callerSide.Select(l => l.AccountCode)),
            PeerAccount = FirstNonEmpty(callerSide.Select(l => l.PeerAccount)),
            DestinationAccountCode = destinationLeg?.AccountCode ?? "",
            Queue = BuildQueue(call, callerSide, end),
            Transfers = call.Transfers.Select(t => ResolveTransfer(call, t.Transfer, t.Ordinal)).ToList(),
            Park = call.Park,
            Pickup = call.Pickup,
            LocalOptimizations = call.LocalOptimizations.ToList(),
            Forwards = call.Forwards.ToList(),
            UserEvents = call.UserEvents.ToList(),
            IsComplete = complete,
            ChannelsMovedAway = complete
                ? call.Legs.Where(l => l.StartedAt is not null && l.HungUpAt is null && l.EndedAt is null).Select(l => l.Name).ToList()
                : [],
            ChannelsJoined = call.Legs.Where(l => l.StartedAt is null).Select(l => l.Name).ToList(),
            Notes = call.Notes.ToList(),
            Segments = SegmentRules.Build(call),
        };
    }

    /// <summary>Duration and billsec, and how exact they are (see the class summary, "Times and seconds").</summary>
    public static (int Duration, int Billable, SecondsPrecision Precision) Seconds(CallBuilder call, ChannelLeg origin,
        DateTimeOffset start, DateTimeOffset? answer, DateTimeOffset end)
    {
        var duration = AsteriskDurations.WholeSecondsBetween(start, end);
        var billable = answer is { } a ? AsteriskDurations.WholeSecondsBetween(a, end) : 0;
        if (call.ManagerTimestamps) return (duration, billable, SecondsPrecision.ManagerTimestamp);
        foreach (var cdr in call.Cdrs)
        {
            if (!string.Equals(cdr.UniqueId, origin.UniqueId, StringComparison.Ordinal) || cdr.StartTime.Utc != start ||
                cdr.EndTime.Utc != end || cdr.AnswerTime?.Utc != answer)
                continue;
            // Same span to the second: Asterisk's figures are ours or one less; anything else is not the same span.
            if (!AsteriskDurations.CouldBeAsterisksFigure(cdr.Duration, duration) ||
                !AsteriskDurations.CouldBeAsterisksFigure(cdr.BillableSeconds, billable))
                continue;
            return (cdr.Duration, cdr.BillableSeconds, SecondsPrecision.AsteriskCdr);
        }
        return (duration, billable, SecondsPrecision.WholeSeconds);
    }

    /// <summary>DIALSTATUS → disposition, as cdr.c <c>dial_status_to_disposition</c> (congestion enabled).</summary>
    public static CallDisposition FromDialStatus(string dialStatus) => dialStatus.Trim().ToUpperInvariant() switch
    {
        "ANSWER" => CallDisposition.Answered,
        "BUSY" => CallDisposition.Busy,
        "NOANSWER" or "CANCEL" => CallDisposition.NoAnswer,
        "CONGESTION" => CallDisposition.Congestion,
        _ => CallDisposition.Failed,
    };

    /// <summary>Hangup causes of the caller side → disposition (see the class summary, rule 3).</summary>
    public static CallDisposition FromHangupCauses(IEnumerable<int> causes)
    {
        var best = (CallDisposition?)null;
        foreach (var cause in causes)
        {
            CallDisposition? d = cause switch
            {
                0 => null,
                17 => CallDisposition.Busy,
                34 or 42 => CallDisposition.Congestion,
                16 or 18 or 19 => CallDisposition.NoAnswer,
                _ => CallDisposition.Failed,
            };
            if (d is { } v && (best is null || Strength(v) > Strength(best.Value))) best = v;
        }
        return best ?? CallDisposition.Failed;

        static int Strength(CallDisposition d) => d switch
        {
            CallDisposition.Busy => 4,
            CallDisposition.Congestion => 3,
            CallDisposition.Failed => 2,
            _ => 1,
        };
    }

    /// <summary>Looks through Local channels: from a Local half, to whoever its twin is bridged with, repeatedly.</summary>
    public static ChannelLeg Resolve(CallBuilder call, ChannelLeg leg)
    {
        var visited = new HashSet<ChannelLeg> { leg };
        var current = leg;
        while (ChannelName.LocalTwin(current.Name) is { } twinName && call.FindByName(twinName) is { } twin)
        {
            visited.Add(twin);
            var next = call.Connections.Where(c => c.Involves(twin)).Select(c => c.Other(twin))
                .FirstOrDefault(o => !visited.Contains(o));
            if (next is null) break;
            visited.Add(next);
            current = next;
        }
        return current;
    }

    private static QueueCallInfo? BuildQueue(CallBuilder call, List<ChannelLeg> callerSide, DateTimeOffset end)
    {
        var queueLeg = callerSide.FirstOrDefault(l => l.QueueName is not null)
                       ?? call.Legs.FirstOrDefault(l => l.QueueName is not null);
        if (queueLeg?.QueueEnteredAt is not { } entered) return null;

        var connection = call.Connections
            .Where(c => c.Involves(queueLeg) && c.At >= entered)
            .OrderBy(c => c.Other(queueLeg).IsQueueMemberLeg ? 0 : 1).ThenBy(c => c.Ordinal)
            .FirstOrDefault();
        var agent = connection?.Other(queueLeg);
        var waitEnd = connection?.At ?? queueLeg.QueueLeftAt ?? queueLeg.HungUpAt ?? end;
        var rung = call.Legs.Where(l => l.IsQueueMemberLeg).Select(l => ChannelName.Interface(l.Name)).Distinct().ToList();

        return new QueueCallInfo(queueLeg.QueueName!, entered, AsteriskDurations.WholeSecondsBetween(entered, waitEnd),
            agent?.Name, agent is null ? null : ChannelName.Interface(agent.Name), agent is null, rung);
    }

    private static TransferInfo ResolveTransfer(CallBuilder call, TransferInfo transfer, int ordinal)
    {
        if (transfer.Kind == TransferKind.Attended)
        {
            if (transfer.TargetChannel is { } target && call.FindByName(target) is { } targetLeg)
                return transfer with { TargetChannel = Resolve(call, targetLeg).Name };
            return transfer;
        }
        // Blind: the transferee's next bridge partner after the transfer is where it landed.
        if (call.FindByName(transfer.TransfereeChannel) is not { } transferee) return transfer;
        var next = call.Connections.FirstOrDefault(c => c.Ordinal > ordinal && c.Involves(transferee));
        return next is null ? transfer : transfer with { TargetChannel = Resolve(call, next.Other(transferee)).Name };
    }

    private static string DestinationExten(ChannelLeg origin, List<ChannelLeg> callerSide)
    {
        if (origin.StartExten.Length > 0 && origin.StartExten != "s") return origin.StartExten;
        return callerSide.SelectMany(l => l.Extens).FirstOrDefault(e => e != "s") ?? origin.StartExten;
    }

    private static string FirstNonEmpty(IEnumerable<string> values) => values.FirstOrDefault(v => v.Length > 0) ?? "";
}
