using CsCheck;
using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Tests.Queues.Strategies;

/// <summary>What holds for every strategy and every candidate set (CsCheck shrinks a failure to the smallest set and
/// prints its seed).</summary>
public sealed class AgentChooserPropertyTests
{
    private static readonly Gen<QueueStrategy> Strategy = Gen.Enum<QueueStrategy>();

    /// <summary>A strategy, a candidate set, a seed for the chooser's Random and which candidate was offered last
    /// (an index past the end means "none" or "not among the candidates").</summary>
    private static readonly Gen<(QueueStrategy Strategy, AgentCandidate[] Set, int Seed, int Last)> Case =
        Gen.Select(Strategy, CandidateGen.Set(), Gen.Int, Gen.Int[0, 14]);

    private static IReadOnlyList<AgentCandidate> Run((QueueStrategy Strategy, AgentCandidate[] Set, int Seed, int Last) c) =>
        AgentChooser.Choose(c.Strategy, c.Set, LastOffered(c.Set, c.Last), new Random(c.Seed));

    private static string? LastOffered(AgentCandidate[] set, int index) =>
        index < set.Length ? set[index].AgentId : index % 2 == 0 ? null : "someone-busy";

    private static string Print((QueueStrategy Strategy, AgentCandidate[] Set, int Seed, int Last) c) =>
        $"{c.Strategy} seed {c.Seed} last {LastOffered(c.Set, c.Last)}: {CandidateGen.Show(c.Set)}";

    [Fact]
    public void The_result_is_a_nonempty_duplicate_free_subset_of_the_candidates() =>
        Case.Sample(c =>
        {
            var chosen = Run(c);
            Assert.Equal(c.Set.Length == 0, chosen.Count == 0);
            Assert.All(chosen, a => Assert.Contains(a, c.Set));
            Assert.Equal(chosen.Count, chosen.Select(a => a.AgentId).Distinct().Count());
        }, print: Print);

    [Fact]
    public void The_one_agent_a_queue_offers_to_is_the_first_of_the_full_order() =>
        Case.Sample(c =>
        {
            var first = AgentChooser.ChooseFirst(c.Strategy, c.Set, LastOffered(c.Set, c.Last), new Random(c.Seed));
            Assert.Equal(Run(c).FirstOrDefault()?.AgentId, first?.AgentId);
        }, print: Print);

    [Fact]
    public void Every_strategy_but_ring_all_offers_every_candidate() =>
        Case.Where(c => c.Strategy != QueueStrategy.RingAll).Sample(c =>
            Assert.Equal(c.Set.Length, Run(c).Count), print: Print);

    [Fact]
    public void Lower_penalty_tiers_come_first_except_for_weighted_random() =>
        Case.Where(c => c.Strategy != QueueStrategy.WeightedRandom).Sample(c =>
        {
            var penalties = Run(c).Select(a => a.Penalty).ToList();
            Assert.Equal(penalties.Order(), penalties);
        }, print: Print);

    [Fact]
    public void Ring_all_is_exactly_the_lowest_penalty_tier() =>
        CandidateGen.Set(min: 1).Sample(set =>
        {
            var lowest = set.Min(a => a.Penalty);
            var chosen = AgentChooser.Choose(QueueStrategy.RingAll, set, null, new Random(0));
            Assert.Equal(set.Where(a => a.Penalty == lowest).Select(a => a.AgentId).Order(),
                chosen.Select(a => a.AgentId).Order());
        }, print: CandidateGen.Show);

    [Fact]
    public void The_same_seed_gives_the_same_order_whatever_order_the_candidates_came_in() =>
        Gen.Select(Case, Gen.Int).Sample((c, shuffleSeed) =>
        {
            var reordered = c.Set.ToArray();
            new Random(shuffleSeed).Shuffle(reordered);
            var again = AgentChooser.Choose(c.Strategy, reordered, LastOffered(c.Set, c.Last), new Random(c.Seed));
            Assert.Equal(Run(c), again);
        }, print: t => Print(t.Item1));

    [Theory]
    [InlineData(QueueStrategy.Linear)]
    [InlineData(QueueStrategy.LongestIdle)]
    [InlineData(QueueStrategy.FewestCalls)]
    [InlineData(QueueStrategy.LeastTalkTime)]
    public void Within_a_tier_the_order_follows_the_strategys_measure(QueueStrategy strategy) =>
        CandidateGen.Set().Sample(set =>
        {
            var chosen = AgentChooser.Choose(strategy, set, null, new Random(0));
            foreach (var (a, b) in chosen.Zip(chosen.Skip(1)).Where(p => p.First.Penalty == p.Second.Penalty))
                Assert.True(Measure(strategy, a).CompareTo(Measure(strategy, b)) <= 0,
                    $"{a.AgentId} before {b.AgentId} under {strategy}");
        }, print: CandidateGen.Show);

    /// <summary>The key each deterministic strategy sorts a tier by, tie-breaks included, written independently of
    /// the implementation's comparers.</summary>
    private static (long, long, long, int, string) Measure(QueueStrategy strategy, AgentCandidate a)
    {
        var idle = a.LastCallEndedAt is { } t ? t.UtcTicks : long.MinValue;
        return strategy switch
        {
            QueueStrategy.Linear => (0, 0, 0, a.ConfigOrder, a.AgentId),
            QueueStrategy.LongestIdle => (0, 0, idle, a.ConfigOrder, a.AgentId),
            QueueStrategy.FewestCalls => (a.CallsTaken, 0, idle, a.ConfigOrder, a.AgentId),
            QueueStrategy.LeastTalkTime => (a.TalkTime.Ticks, 0, idle, a.ConfigOrder, a.AgentId),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
        };
    }

    [Fact]
    public void Round_robin_offers_every_agent_of_a_tier_first_once_per_cycle() =>
        Gen.Select(CandidateGen.Set(min: 1, maxPenalty: 0), Gen.Int[0, 11]).Sample((set, start) =>
        {
            // The queue remembers whom it offered to last; each caller goes to the first of the new order.
            string? last = set[start % set.Length].AgentId;
            var firsts = new List<string>();
            for (var i = 0; i < set.Length; i++)
            {
                last = AgentChooser.Choose(QueueStrategy.RoundRobin, set, last, new Random(0))[0].AgentId;
                firsts.Add(last);
            }
            Assert.Equal(set.Select(a => a.AgentId).Order(), firsts.Order());
        }, print: t => CandidateGen.Show(t.Item1));

    [Fact]
    public void Round_robin_puts_the_last_offered_agent_at_the_end_of_its_tier() =>
        Gen.Select(CandidateGen.Set(min: 1), Gen.Int[0, 11]).Sample((set, index) =>
        {
            var last = set[index % set.Length];
            var chosen = AgentChooser.Choose(QueueStrategy.RoundRobin, set, last.AgentId, new Random(0));
            Assert.Equal(last, chosen.Last(a => a.Penalty == last.Penalty));
        }, print: t => CandidateGen.Show(t.Item1));
}
