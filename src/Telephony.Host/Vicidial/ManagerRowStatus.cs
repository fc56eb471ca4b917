namespace Telephony.Host.Vicidial;

/// <summary>
/// The <c>status</c> column of <c>vicidial_manager</c>, in the order a row moves through it. VICIdial's own sender
/// (AST_manager_send.pl) takes a NEW row by setting QUEUE, marks it SENT once handed to Asterisk; its listener marks
/// it UPDATED (with channel and uniqueid) when the call it made rings or answers, DEAD when that channel hangs up or
/// the action was not sent.
/// </summary>
public enum ManagerRowStatus
{
    New,
    Queue,
    Sent,
    Updated,
    Dead,
}

public static class ManagerRowStatuses
{
    public static string ToColumn(this ManagerRowStatus status) => status switch
    {
        ManagerRowStatus.New => "NEW",
        ManagerRowStatus.Queue => "QUEUE",
        ManagerRowStatus.Sent => "SENT",
        ManagerRowStatus.Updated => "UPDATED",
        ManagerRowStatus.Dead => "DEAD",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The column's value, or null for anything else (the enum column may hold '' after a bad insert).</summary>
    public static ManagerRowStatus? FromColumn(string? text) => text?.ToUpperInvariant() switch
    {
        "NEW" => ManagerRowStatus.New,
        "QUEUE" => ManagerRowStatus.Queue,
        "SENT" => ManagerRowStatus.Sent,
        "UPDATED" => ManagerRowStatus.Updated,
        "DEAD" => ManagerRowStatus.Dead,
        _ => null,
    };

    /// <summary>The statuses a row may be moved to <paramref name="to"/> from: only forward, never back to NEW, never
    /// out of DEAD (UPDATED again is allowed: a later step may bring the channel).</summary>
    public static IReadOnlyList<ManagerRowStatus> MovableFrom(ManagerRowStatus to) => to switch
    {
        ManagerRowStatus.Sent => [ManagerRowStatus.Queue, ManagerRowStatus.Sent],
        ManagerRowStatus.Updated or ManagerRowStatus.Dead => [ManagerRowStatus.Queue, ManagerRowStatus.Sent, ManagerRowStatus.Updated],
        _ => [],
    };
}
