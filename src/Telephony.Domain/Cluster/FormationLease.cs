namespace Telephony.Domain.Cluster;

/// <summary>The lease row in the shared journal database: which cluster runs over it (its members' addresses, the
/// oldest first) and until when, unless renewed.</summary>
public sealed record LeaseRow(string Holder, IReadOnlyList<string> Members, DateTimeOffset ExpiresAt)
{
    public bool LiveAt(DateTimeOffset now) => ExpiresAt > now;

    /// <summary>Members as stored: space-separated addresses (an address holds no space).</summary>
    public string MembersText => string.Join(' ', Members);

    public static IReadOnlyList<string> ParseMembers(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>How a starting member joins: the seeds to try, and whether it may form a new cluster itself.</summary>
public sealed record JoinPlan(IReadOnlyList<string> Seeds, bool MayForm, string Reason);

public enum RenewalVerdict
{
    /// <summary>The lease is ours (or free): write it with our members.</summary>
    Renew,

    /// <summary>A live lease names none of our members: another cluster runs over this journal.</summary>
    Foreign,
}

/// <summary>
/// The guard against a second cluster over one journal, independent of the seed list being right. Every member of a
/// running cluster keeps a lease row in the journal database alive (the members' addresses, renewed every few
/// seconds). A starting member reads it first: while it is live, the member joins the members it names (then its
/// seeds) and never forms a cluster of its own; only a lease nobody renewed for its whole time to live (no cluster is
/// running) lets the first seed form one. A cluster that finds a live lease naming none of its members is the second
/// one, and stops. Pure decisions; the store and the actor do the I/O.
/// </summary>
public static class FormationLease
{
    /// <param name="self">This member's address.</param>
    /// <param name="seeds">The configured seeds, in order.</param>
    public static JoinPlan PlanJoin(LeaseRow? row, DateTimeOffset now, string self, IReadOnlyList<string> seeds)
    {
        if (row is null || !row.LiveAt(now))
            return new JoinPlan(seeds, MayForm: true, row is null ? "no cluster has run over this journal" : $"the lease expired at {row.ExpiresAt:O}");
        // A cluster of this member alone: its old incarnation is dead, since this process holds its address now.
        if (row.Members.All(m => Same(m, self)))
            return new JoinPlan(seeds, MayForm: true, "the lease names only this member's address (its previous run)");
        return new JoinPlan(Others(row.Members.Concat(seeds), self), MayForm: false,
            $"a cluster is running over this journal (members {string.Join(", ", row.Members)}; lease until {row.ExpiresAt:O})");
    }

    /// <summary>The lease cannot be read: nobody can tell whether a cluster runs, so join the other seeds, never form one.</summary>
    public static JoinPlan PlanUnread(string self, IReadOnlyList<string> seeds) =>
        new(Others(seeds, self), MayForm: false, "the lease cannot be read");

    private static List<string> Others(IEnumerable<string> addresses, string self) =>
        addresses.Where(a => !Same(a, self)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <param name="members">The addresses of this cluster's members as this member sees them, oldest first.</param>
    public static RenewalVerdict Renewal(LeaseRow? row, DateTimeOffset now, IReadOnlyCollection<string> members)
    {
        if (row is null || !row.LiveAt(now)) return RenewalVerdict.Renew;
        return row.Members.Any(m => members.Any(x => Same(x, m))) ? RenewalVerdict.Renew : RenewalVerdict.Foreign;
    }

    private static bool Same(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
