using Telephony.Domain.Actions;

namespace Telephony.Billing.Rows;

/// <summary>
/// One row of the <c>ami_action</c> table: an AMI action as its queue knows it after the journal event at
/// <see cref="JournalOffset"/> (the primary key is the action id). It is the <see cref="ActionRecord"/> in columns, and
/// goes back to one (<see cref="ToRecord"/>) so that a step is applied by the domain's own
/// <see cref="ActionRecord.Apply"/>, never by a second copy of its rules. Instants are UTC with microseconds (what a
/// DATETIME(6) keeps): a record is cut to them at every step, so a row is the same whichever batches its events came in.
/// </summary>
public sealed record AmiActionRow
{
    public required string Id { get; init; }
    public required string Node { get; init; }
    public required string Action { get; init; }

    /// <summary>The <see cref="ActionStatus"/> in lower case: queued, sent, succeeded, failed, up, ended, expired,
    /// cancelled, refused, unknown.</summary>
    public required string Status { get; init; }

    public int Priority { get; init; }
    public string IdempotencyKey { get; init; } = "";
    public DateTime? NotBefore { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public required DateTime QueuedAt { get; init; }
    public DateTime? SentAt { get; init; }
    public DateTime? RespondedAt { get; init; }
    public DateTime? UpAt { get; init; }
    public DateTime? EndedAt { get; init; }

    /// <summary>The last step's time; the queue time until the first step.</summary>
    public required DateTime UpdatedAt { get; init; }

    public string Message { get; init; } = "";
    public string Reason { get; init; } = "";
    public string Channel { get; init; } = "";
    public string UniqueId { get; init; } = "";
    public string LinkedId { get; init; } = "";

    /// <summary>An Originate's pre-assigned ChannelId (the Uniqueid Asterisk gives its first channel).</summary>
    public string ChannelId { get; init; } = "";

    public int? HangupCause { get; init; }

    /// <summary>Seconds from up to ended of an answered Originate, to the millisecond.</summary>
    public decimal? Duration { get; init; }

    public int Attempts { get; init; }

    /// <summary>Journal ordering of the last event applied to the row: a step at or below it is already in the row (a
    /// replay), so applying it again changes nothing.</summary>
    public required long JournalOffset { get; init; }

    public static AmiActionRow From(ActionRecord r, long journalOffset)
    {
        var up = Micro(r.UpAt);
        var ended = Micro(r.EndedAt);
        return new AmiActionRow
        {
            Id = r.Id,
            Node = r.Node,
            Action = r.Action,
            Status = StatusText(r.Status),
            Priority = r.Priority,
            IdempotencyKey = r.IdempotencyKey ?? "",
            NotBefore = Micro(r.NotBefore),
            ExpiresAt = Micro(r.ExpiresAt),
            QueuedAt = Micro(r.QueuedAt),
            SentAt = Micro(r.SentAt),
            RespondedAt = Micro(r.RespondedAt),
            UpAt = up,
            EndedAt = ended,
            UpdatedAt = Micro(r.UpdatedAt ?? r.QueuedAt),
            Message = r.Message ?? "",
            Reason = r.Reason ?? "",
            Channel = r.Channel ?? "",
            UniqueId = r.UniqueId ?? "",
            LinkedId = r.LinkedId ?? "",
            ChannelId = r.ChannelId ?? "",
            HangupCause = r.HangupCause,
            Duration = up is { } u && ended is { } e ? Math.Round((decimal)Math.Max(0, (e - u).TotalSeconds), 3) : null,
            Attempts = r.Attempts,
            JournalOffset = journalOffset,
        };
    }

    /// <summary>The record the row holds (headers and returned values are not kept in the table).</summary>
    public ActionRecord ToRecord() => new()
    {
        Id = Id,
        Node = Node,
        Action = Action,
        Headers = [],
        Status = ActionStatuses.TryParse(Status, out var status) ? status : ActionStatus.Unknown,
        Priority = Priority,
        IdempotencyKey = NullIfEmpty(IdempotencyKey),
        NotBefore = Utc(NotBefore),
        ExpiresAt = Utc(ExpiresAt),
        QueuedAt = Utc(QueuedAt)!.Value,
        SentAt = Utc(SentAt),
        RespondedAt = Utc(RespondedAt),
        UpAt = Utc(UpAt),
        EndedAt = Utc(EndedAt),
        UpdatedAt = Utc(UpdatedAt),
        Message = NullIfEmpty(Message),
        Reason = NullIfEmpty(Reason),
        Channel = NullIfEmpty(Channel),
        UniqueId = NullIfEmpty(UniqueId),
        LinkedId = NullIfEmpty(LinkedId),
        ChannelId = NullIfEmpty(ChannelId),
        HangupCause = HangupCause,
        Attempts = Attempts,
    };

    public static string StatusText(ActionStatus status) => status.ToString().ToLowerInvariant();

    private static DateTime Micro(DateTimeOffset t)
    {
        var utc = t.UtcDateTime;
        return utc.AddTicks(-(utc.Ticks % 10));
    }

    private static DateTime? Micro(DateTimeOffset? t) => t is { } v ? Micro(v) : null;

    private static DateTimeOffset? Utc(DateTime? t) =>
        t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
