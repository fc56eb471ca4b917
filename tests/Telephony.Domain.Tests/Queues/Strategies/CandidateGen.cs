using CsCheck;
using Telephony.Domain.Queues.Strategies;

namespace Telephony.Domain.Tests.Queues.Strategies;

/// <summary>Generators of candidate sets: unique agent ids, few penalty tiers and overlapping member-list positions and
/// idle times, so ties (the cases the tie-breaks exist for) are common.</summary>
internal static class CandidateGen
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 10, 9, 0, 0, TimeSpan.Zero);

    private static Gen<(int Penalty, int Order, int? IdleSince, int Calls, int Talk)> Fields(int maxPenalty) =>
        Gen.Select(Gen.Int[0, maxPenalty], Gen.Int[0, 15], Gen.Int[0, 600].Nullable(), Gen.Int[0, 20], Gen.Int[0, 3600]);

    /// <summary>Between <paramref name="min"/> and <paramref name="max"/> candidates with penalties 0..maxPenalty.</summary>
    public static Gen<AgentCandidate[]> Set(int min = 0, int max = 12, int maxPenalty = 3) =>
        Fields(maxPenalty).Array[min, max].Select(rows => rows.Select((f, i) => new AgentCandidate(
            $"agent-{i}", f.Penalty, f.Order, f.IdleSince is { } s ? Epoch.AddSeconds(s) : null, f.Calls,
            TimeSpan.FromSeconds(f.Talk))).ToArray());

    public static string Show(IEnumerable<AgentCandidate> set) =>
        string.Join(", ", set.Select(c =>
            $"{c.AgentId}(p{c.Penalty} o{c.ConfigOrder} ended {c.LastCallEndedAt:HH:mm:ss} calls {c.CallsTaken} talk {c.TalkTime.TotalSeconds})"));
}
