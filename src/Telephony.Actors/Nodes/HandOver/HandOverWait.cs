namespace Telephony.Actors.Nodes.HandOver;

/// <summary>
/// A node's new owner waiting for the previous session, if a member still reads it (make-before-break). It asked every
/// other member; the wait is over when the member holding the session says it is done, when every member said it holds
/// none, or on time: <c>answerTimeout</c> when nobody said it holds one (a dead member does not answer), and
/// <c>doneTimeout</c> when one did but never finished. <see cref="GapFrom"/> says where the unobserved window, if any,
/// begins.
/// </summary>
public sealed class HandOverWait(IReadOnlyCollection<string> asked, DateTimeOffset startedAt, TimeSpan answerTimeout, TimeSpan doneTimeout)
{
    private readonly HashSet<string> _unanswered = new(asked, StringComparer.Ordinal);
    private bool _held;

    public HandOverDone? Done { get; private set; }

    /// <summary>A member answered whether it holds a session of the node.</summary>
    public void Answer(string member, bool holds)
    {
        _unanswered.Remove(member);
        _held |= holds;
    }

    public void Finished(HandOverDone done) => Done = done;

    public bool IsOver(DateTimeOffset now) =>
        Done is not null
        || (!_held && _unanswered.Count == 0)
        || (!_held && now - startedAt >= answerTimeout)
        || now - startedAt >= doneTimeout;

    /// <summary>Where the window nobody observed begins, or null when there was none: after the later of the previous
    /// session's last journaled heartbeat and what a previous session read until, if that is before this session's
    /// login.</summary>
    public static DateTimeOffset? GapFrom(DateTimeOffset? lastSeen, HandOverDone? done, DateTimeOffset loggedInAt)
    {
        var from = lastSeen;
        if (done is not null && (from is null || done.ReadUntil > from)) from = done.ReadUntil;
        return from is { } f && f < loggedInAt ? f : null;
    }
}
