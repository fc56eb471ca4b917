namespace Telephony.Domain.Queues.Calls;

/// <summary>
/// A queue's counters since it was created (rebuilt from its journal). Service level follows app_queue: SL = answered
/// within the threshold / answered; SL2 also counts callers who abandoned within the threshold as served, over
/// answered + abandoned.
/// </summary>
public sealed record QueueStatistics
{
    public int Offered { get; init; }          // callers that joined
    public int Refused { get; init; }          // joins refused (full, empty)
    public int Answered { get; init; }
    public int Completed { get; init; }
    public int Abandoned { get; init; }
    public int TimedOut { get; init; }
    public int Overflowed { get; init; }       // timed out into another queue
    public int BrokenOut { get; init; }        // timed out to a dialplan target
    public int LeftEmpty { get; init; }
    public int Dropped { get; init; }          // node restarts, removed through the API
    public int AnsweredWithinServiceLevel { get; init; }
    public int AbandonedWithinServiceLevel { get; init; }
    public TimeSpan AnsweredWait { get; init; }
    public TimeSpan AbandonedWait { get; init; }
    public TimeSpan TalkTime { get; init; }
    public int NoAnswers { get; init; }

    public double? ServiceLevel => Answered == 0 ? null : (double)AnsweredWithinServiceLevel / Answered;

    public double? ServiceLevelCountingAbandons => Answered + Abandoned == 0 ? null
        : (double)(AnsweredWithinServiceLevel + AbandonedWithinServiceLevel) / (Answered + Abandoned);

    public TimeSpan? AverageWait => Answered == 0 ? null : AnsweredWait / Answered;

    public TimeSpan? AverageAbandonWait => Abandoned == 0 ? null : AbandonedWait / Abandoned;

    public TimeSpan? AverageTalk => Completed == 0 ? null : TalkTime / Completed;

    /// <summary>Every caller that joined has exactly one fate so far or is still in the queue.</summary>
    public int Left => Answered + Abandoned + TimedOut + LeftEmpty + Dropped;
}
