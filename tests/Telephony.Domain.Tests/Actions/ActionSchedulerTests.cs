using Telephony.Domain.Actions;

namespace Telephony.Domain.Tests.Actions;

/// <summary>
/// Which queued actions go on the wire now. The tests drive the clock themselves: the scheduler is pure and is told
/// the time, so "ten seconds at 20 per second" is a loop, not a wait.
/// </summary>
public sealed class ActionSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly ActionLimits NoRate = ActionLimits.Unlimited;

    private long _sequence;

    [Fact]
    public void A_hangup_goes_before_call_control_before_queries_before_dialer_originates()
    {
        var queue = Queue(NoRate, Act("dial", "Originate"), Act("status", "Status"), Act("redirect", "Redirect"), Act("hangup", "Hangup"));

        Assert.Equal(["hangup", "redirect", "status", "dial"], TakeAll(queue, T0));
    }

    [Fact]
    public void Within_a_priority_actions_leave_in_the_order_they_arrived()
    {
        var queue = Queue(NoRate, Act("a", "Ping"), Act("b", "Status"), Act("c", "Getvar"), Act("d", "Ping"));

        Assert.Equal(["a", "b", "c"], queue.TakeDue(T0, 3, []));
        queue.Enqueue(Act("e", "Ping"), ++_sequence);
        Assert.Equal(["d", "e"], TakeAll(queue, T0));
    }

    [Fact]
    public void An_explicit_priority_beats_the_actions_default()
    {
        var queue = Queue(NoRate, Act("hangup", "Hangup"), Act("vip-call", "Originate", priority: 0), Act("late-query", "Ping", priority: 9));

        Assert.Equal(["vip-call", "hangup", "late-query"], TakeAll(queue, T0));
    }

    [Fact]
    public void With_the_originate_cap_reached_a_hangup_queued_behind_an_urgent_originate_still_goes()
    {
        var queue = Queue(NoRate with { MaxOriginatesInProgress = 1 }, Act("urgent-call", "Originate", priority: 0), Act("hangup", "Hangup"));
        queue.OriginateStarted("call-already-dialing");

        Assert.Equal(["hangup"], TakeAll(queue, T0));
        Assert.True(queue.Contains("urgent-call"));

        queue.OriginateFinished("call-already-dialing");
        Assert.Equal(["urgent-call"], TakeAll(queue, T0));
    }

    [Fact]
    public void Originates_taken_count_against_the_cap_until_they_finish()
    {
        var queue = Queue(NoRate with { MaxOriginatesInProgress = 2 },
            Act("c1", "Originate"), Act("c2", "Originate"), Act("c3", "Originate"), Act("c4", "Originate"));

        Assert.Equal(["c1", "c2"], TakeAll(queue, T0));
        Assert.Equal(2, queue.OriginatesInProgress);
        Assert.Null(queue.NextCheck(T0)); // nothing to do until an originate finishes

        queue.OriginateFinished("c1");
        queue.OriginateFinished("c1"); // a duplicate report frees nothing more
        Assert.Equal(["c3"], TakeAll(queue, T0));
        Assert.Null(queue.NextCheck(T0));
    }

    [Fact]
    public void No_originate_cap_lets_every_originate_go()
    {
        var queue = Queue(NoRate, Enumerable.Range(1, 200).Select(i => Act($"c{i}", "Originate")).ToArray());

        Assert.Equal(200, TakeAll(queue, T0).Count);
        Assert.Equal(200, queue.OriginatesInProgress);
    }

    [Fact]
    public void In_ten_simulated_seconds_at_20_per_second_no_more_than_200_plus_the_burst_are_taken()
    {
        var limits = new ActionLimits { RatePerSecond = 20, Burst = 20, MaxOriginatesInProgress = 0, MaxQueued = 10_000 };
        var queue = Queue(limits, Enumerable.Range(1, 1_000).Select(i => Act($"q{i}", "Status")).ToArray());
        var perSecond = new int[10];

        for (var ms = 0; ms < 10_000; ms += 7)
            perSecond[ms / 1000] += queue.TakeDue(T0.AddMilliseconds(ms), int.MaxValue, []).Count;

        // 20 at once (the burst), then one per 50 ms: 20 + 9.996 s * 20.
        Assert.InRange(perSecond.Sum(), 20 + 199, 20 + 200);
        Assert.InRange(perSecond[0], 39, 40);
        Assert.All(perSecond[1..], n => Assert.InRange(n, 19, 21));
    }

    [Fact]
    public void After_a_quiet_spell_no_more_than_the_burst_goes_back_to_back()
    {
        var limits = NoRate with { RatePerSecond = 20, Burst = 5 };
        var queue = Queue(limits, Enumerable.Range(1, 100).Select(i => Act($"q{i}", "Ping")).ToArray());

        Assert.Equal(5, queue.TakeDue(T0, int.MaxValue, []).Count);
        Assert.Empty(queue.TakeDue(T0, int.MaxValue, []));
        Assert.Equal(5, queue.TakeDue(T0.AddMinutes(10), int.MaxValue, []).Count);
    }

    [Fact]
    public void A_burst_of_zero_still_lets_one_action_through()
    {
        var queue = Queue(NoRate with { RatePerSecond = 1, Burst = 0 }, Act("a", "Ping"), Act("b", "Ping"));

        Assert.Equal(["a"], queue.TakeDue(T0, 10, []));
        Assert.Equal(["b"], queue.TakeDue(T0.AddSeconds(1), 10, []));
    }

    [Fact]
    public void A_clock_that_steps_back_gives_no_tokens()
    {
        var queue = Queue(NoRate with { RatePerSecond = 10, Burst = 1 }, Act("a", "Ping"), Act("b", "Ping"), Act("c", "Ping"));

        Assert.Equal(["a"], queue.TakeDue(T0, 10, []));
        Assert.Empty(queue.TakeDue(T0.AddSeconds(-5), 10, []));
        Assert.Equal(["b"], queue.TakeDue(T0.AddMilliseconds(100), 10, []));
    }

    [Fact]
    public void When_rate_limited_the_next_check_is_when_the_next_token_is_due()
    {
        var queue = Queue(NoRate with { RatePerSecond = 20, Burst = 2 }, Act("a", "Ping"), Act("b", "Ping"), Act("c", "Ping"));
        Assert.Equal(2, queue.TakeDue(T0, int.MaxValue, []).Count);

        Assert.Equal(TimeSpan.FromMilliseconds(50), Round(queue.NextCheck(T0)));
        Assert.Equal(TimeSpan.FromMilliseconds(30), Round(queue.NextCheck(T0.AddMilliseconds(20))));
        // A caller that slept longer than asked is told to go now, not to wait another token's time.
        Assert.Equal(TimeSpan.Zero, queue.NextCheck(T0.AddSeconds(1)));
    }

    [Fact]
    public void NextCheck_is_null_with_nothing_queued_and_zero_with_something_ready()
    {
        var queue = new ActionScheduler(ActionLimits.Default);
        Assert.Null(queue.NextCheck(T0));

        queue.Enqueue(Act("a", "Ping"), 1);
        Assert.Equal(TimeSpan.Zero, queue.NextCheck(T0));
    }

    [Fact]
    public void An_action_waits_for_its_notBefore_without_holding_back_the_others()
    {
        var queue = Queue(NoRate, Act("callback", "Originate", priority: 0, notBefore: T0.AddMinutes(5)), Act("ping", "Ping"));

        Assert.Equal(["ping"], TakeAll(queue, T0));
        Assert.Equal(TimeSpan.FromMinutes(5), queue.NextCheck(T0));
        Assert.Empty(TakeAll(queue, T0.AddMinutes(5).AddTicks(-1)));
        Assert.Equal(["callback"], TakeAll(queue, T0.AddMinutes(5)));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void The_next_check_is_the_earlier_of_the_next_token_and_the_next_notBefore()
    {
        var queue = Queue(NoRate with { RatePerSecond = 1, Burst = 1 }, Act("a", "Ping"), Act("b", "Ping"), Act("soon", "Ping", notBefore: T0.AddMilliseconds(200)));
        Assert.Equal(["a"], queue.TakeDue(T0, 10, []));

        Assert.Equal(TimeSpan.FromMilliseconds(200), queue.NextCheck(T0));
    }

    [Fact]
    public void Actions_due_at_the_same_time_leave_by_priority_then_arrival()
    {
        var at = T0.AddSeconds(30);
        var queue = Queue(NoRate, Act("p4-first", "Ping", notBefore: at), Act("hangup", "Hangup", notBefore: at), Act("p4-second", "Ping", notBefore: at));

        Assert.Equal(["hangup", "p4-first", "p4-second"], TakeAll(queue, at));
    }

    [Fact]
    public void An_action_past_its_deadline_comes_out_expired_instead_of_sent()
    {
        var queue = Queue(NoRate, Act("stale", "Originate", expiresAt: T0.AddSeconds(10)), Act("fresh", "Ping", expiresAt: T0.AddHours(1)));
        var expired = new List<string>();

        Assert.Equal(["fresh"], queue.TakeDue(T0.AddSeconds(10), int.MaxValue, expired));
        Assert.Equal(["stale"], expired);
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.OriginatesInProgress);
    }

    [Fact]
    public void Expired_actions_use_no_token()
    {
        var queue = Queue(NoRate with { RatePerSecond = 1, Burst = 1 }, Act("stale", "Ping", expiresAt: T0), Act("fresh", "Ping"));
        var expired = new List<string>();

        Assert.Equal(["fresh"], queue.TakeDue(T0, 10, expired));
        Assert.Equal(["stale"], expired);
    }

    [Fact]
    public void The_sweep_finds_expired_actions_wherever_they_wait()
    {
        var queue = Queue(NoRate with { MaxOriginatesInProgress = 1 },
            Act("capped", "Originate", expiresAt: T0.AddSeconds(5)),
            Act("ready", "Ping", expiresAt: T0.AddSeconds(5)),
            Act("not-yet-due", "Ping", notBefore: T0.AddSeconds(1), expiresAt: T0.AddSeconds(5)),
            Act("alive", "Ping", expiresAt: T0.AddSeconds(6)),
            Act("no-deadline", "Ping"));
        queue.OriginateStarted("other-call");

        Assert.Empty(queue.TakeExpired(T0.AddSeconds(5).AddTicks(-1)));
        Assert.Equal(["capped", "not-yet-due", "ready"], queue.TakeExpired(T0.AddSeconds(5)).Order(StringComparer.Ordinal));
        Assert.Equal(2, queue.Count);
        Assert.Equal(["alive", "no-deadline"], TakeAll(queue, T0.AddSeconds(5)));
    }

    [Fact]
    public void The_queue_is_full_at_its_limit_and_has_room_again_once_something_leaves()
    {
        var queue = Queue(NoRate with { MaxQueued = 3 }, Act("a", "Ping"), Act("b", "Ping"));
        Assert.False(queue.IsFull);

        queue.Enqueue(Act("c", "Ping", notBefore: T0.AddHours(1)), ++_sequence);
        Assert.True(queue.IsFull);

        Assert.True(queue.Remove("c"));
        Assert.False(queue.IsFull);
    }

    [Fact]
    public void The_same_action_queued_twice_goes_once()
    {
        var queue = Queue(NoRate, Act("a", "Hangup"));
        queue.Enqueue(Act("a", "Hangup"), ++_sequence);

        Assert.Equal(1, queue.Count);
        Assert.Equal(["a"], TakeAll(queue, T0));
    }

    [Fact]
    public void Two_actions_given_the_same_sequence_both_go()
    {
        var queue = new ActionScheduler(NoRate);
        queue.Enqueue(Act("a", "Ping"), 7);
        queue.Enqueue(Act("b", "Ping"), 7);
        queue.Enqueue(Act("c", "Ping", notBefore: T0), 8);
        queue.Enqueue(Act("d", "Ping", notBefore: T0), 8);

        Assert.Equal(["a", "b", "c", "d"], TakeAll(queue, T0));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_cancelled_action_leaves_the_queue_whether_ready_or_waiting_for_its_time()
    {
        var queue = Queue(NoRate, Act("ready", "Originate"), Act("later", "Ping", notBefore: T0.AddMinutes(1)), Act("kept", "Ping"));

        Assert.True(queue.Remove("ready"));
        Assert.True(queue.Remove("later"));
        Assert.False(queue.Remove("later"));
        Assert.False(queue.Contains("later"));
        Assert.Equal(["kept"], TakeAll(queue, T0.AddMinutes(2)));
    }

    [Fact]
    public void Max_limits_how_many_are_taken_at_once()
    {
        var queue = Queue(NoRate, Act("a", "Ping"), Act("b", "Ping"));

        Assert.Empty(queue.TakeDue(T0, 0, []));
        Assert.Equal(["a"], queue.TakeDue(T0, 1, []));
    }

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 25)];

    /// <summary>Property: for any sequence of enqueues (any priorities, some originates, some notBefore already
    /// past), with no limits the order taken is (priority, sequence), and nothing is lost or doubled.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Unlimited_any_enqueues_come_out_sorted_by_priority_then_sequence(int seed)
    {
        var random = new Random(seed);
        var queue = new ActionScheduler(NoRate);
        var queued = new List<(int Priority, long Sequence, string Id)>();
        var sequences = Enumerable.Range(1, 300).Select(i => (long)i * 3).OrderBy(_ => random.Next()).ToArray();
        foreach (var sequence in sequences)
        {
            var priority = random.Next(0, 10);
            var id = $"a{sequence}";
            var kind = random.Next(3) == 0 ? "Originate" : "Ping";
            DateTimeOffset? notBefore = random.Next(4) == 0 ? T0.AddSeconds(-random.Next(100)) : null;
            queue.Enqueue(Act(id, kind, priority, notBefore), sequence);
            queued.Add((priority, sequence, id));
        }

        var taken = new List<string>();
        while (queue.Count > 0)
        {
            var batch = queue.TakeDue(T0, random.Next(1, 20), []);
            Assert.NotEmpty(batch);
            taken.AddRange(batch);
        }

        Assert.Equal(queued.OrderBy(q => q.Priority).ThenBy(q => q.Sequence).Select(q => q.Id), taken);
    }

    /// <summary>Property: whatever the mix of urgent hangups and originates and whenever originates finish, the
    /// originates in progress never pass the cap and the actions sent never pass burst + rate * elapsed.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Under_any_load_the_originate_cap_and_the_rate_hold(int seed)
    {
        var random = new Random(seed);
        var limits = new ActionLimits { RatePerSecond = 20, Burst = 10, MaxOriginatesInProgress = 5, MaxQueued = 10_000 };
        var queue = new ActionScheduler(limits);
        var dialing = new List<string>();
        var sent = 0;
        var now = T0;
        for (var step = 0; step < 500; step++)
        {
            for (var i = random.Next(4); i > 0; i--)
            {
                var originate = random.Next(2) == 0;
                queue.Enqueue(Act($"{(originate ? "call" : "hangup")}-{step}-{i}", originate ? "Originate" : "Hangup", random.Next(10)), step * 10L + i);
            }
            if (dialing.Count > 0 && random.Next(3) == 0)
            {
                var done = dialing[random.Next(dialing.Count)];
                dialing.Remove(done);
                queue.OriginateFinished(done);
            }
            now = now.AddMilliseconds(random.Next(0, 40));

            var taken = queue.TakeDue(now, random.Next(1, 50), []);
            sent += taken.Count;
            dialing.AddRange(taken.Where(id => id.StartsWith("call-", StringComparison.Ordinal)));

            Assert.InRange(dialing.Count, 0, limits.MaxOriginatesInProgress);
            Assert.Equal(dialing.Count, queue.OriginatesInProgress);
            Assert.InRange(sent, 0, limits.Burst + (now - T0).TotalSeconds * limits.RatePerSecond + 1e-6);
        }
        Assert.InRange(sent, 100, int.MaxValue); // the load did flow
    }

    private static TimeSpan? Round(TimeSpan? t) => t is { } v ? TimeSpan.FromMilliseconds(Math.Round(v.TotalMilliseconds, 3)) : null;

    private ActionScheduler Queue(ActionLimits limits, params ActionRecord[] actions)
    {
        var queue = new ActionScheduler(limits);
        foreach (var a in actions) queue.Enqueue(a, ++_sequence);
        return queue;
    }

    private static List<string> TakeAll(ActionScheduler queue, DateTimeOffset now) => queue.TakeDue(now, int.MaxValue, []);

    private static ActionRecord Act(string id, string action, int? priority = null, DateTimeOffset? notBefore = null,
        DateTimeOffset? expiresAt = null) => new()
    {
        Id = id,
        Node = RequestTable.Node,
        Action = action,
        Headers = [],
        Priority = priority ?? ActionKinds.DefaultPriority(action),
        NotBefore = notBefore,
        ExpiresAt = expiresAt,
        QueuedAt = T0,
    };
}
