using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Domain.Tests.Queues.Calls;

/// <summary>A supervisor's "today": the queue's counters of the current day in its time zone, beside the totals.</summary>
public sealed class QueueDayStatisticsTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    /// <summary>The scene's clock starts 2026-03-02 09:00 UTC (10:00 in Paris): seconds to reach 23:59 and 00:01 there.</summary>
    private const int BeforeMidnight = 13 * 3600 + 59 * 60, AfterMidnight = 14 * 3600 + 60;

    private static QueueScene Scene() =>
        new(new QueueSettings { Name = "sales", DayTimeZone = Paris }, QueueScene.AgentOf("ann"));

    private static void Call(QueueScene scene, string caller, int at)
    {
        scene.At(at);
        scene.Join(caller);
        scene.At(at + 5);
        scene.Answer(scene.OfferOne());
        scene.At(at + 30);
        scene.Apply(scene.Queue.CallEnded(new CallerKey("pbx-a", caller), scene.Now, byAgent: true));
    }

    [Fact]
    public void Calls_before_midnight_in_the_queues_time_zone_count_in_the_totals_and_not_in_the_next_days_figures()
    {
        var scene = Scene();
        Call(scene, "1.1", 0);
        Call(scene, "1.2", BeforeMidnight - 60);
        Assert.Equal((2, 2), (scene.Queue.Statistics.Answered, scene.Queue.Today.Answered));

        scene.At(AfterMidnight);
        Assert.Equal(0, scene.Queue.TodayAt(scene.Now).Answered); // a new day with nothing in it yet
        Call(scene, "1.3", AfterMidnight);

        Assert.Equal(3, scene.Queue.Statistics.Answered);
        Assert.Equal((1, 1, new DateOnly(2026, 3, 3)), (scene.Queue.Today.Offered, scene.Queue.Today.Answered, scene.Queue.Day));
        Assert.Equal(1.0, scene.Queue.Today.ServiceLevel);
    }

    [Fact]
    public void A_snapshot_keeps_todays_figures_and_one_from_before_per_day_counters_starts_today_from_zero()
    {
        var scene = Scene();
        Call(scene, "1.1", 0);
        var restored = new QueueState(scene.Queue.Settings);
        restored.Restore(scene.Queue.Snapshot());
        var older = new QueueState(scene.Queue.Settings);
        older.Restore(scene.Queue.Snapshot() with { Today = null, Day = null });

        Assert.Equal((1, scene.Queue.Day), (restored.Today.Answered, restored.Day));
        Assert.Equal((1, 0), (older.Statistics.Answered, older.Today.Answered));
    }
}
