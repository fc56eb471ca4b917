using Telephony.Actors.Hosting;
using Telephony.Actors.Persistence;
using Telephony.Domain.Cluster;

namespace Telephony.Actors.Tests.Hosting;

/// <summary>
/// Cluster bootstrap's "form a new cluster" goes through the formation lease (<see cref="FormationGuard"/>, asked by
/// <see cref="LeaseGuardedJoinDecider"/>): with the lease in a real journal database (SQLite here), a pod may form only
/// when no live lease names another member, and it claims the lease first, so two pods deciding at once form one
/// cluster at most.
/// </summary>
public class FormationGuardTests
{
    private const string Self = "akka.tcp://telephony@10.42.0.17:4053";
    private const string Other = "akka.tcp://telephony@10.42.1.9:4053";
    private static readonly LeaseSettings Settings = new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), 3);
    private static readonly DateTimeOffset Now = new(2026, 12, 10, 9, 0, 0, TimeSpan.Zero);

    private static LeaseStore NewStore() => StoreOver(TestJournal.Sqlite().ConnectionString);

    private static LeaseStore StoreOver(string journal) => new(JournalProvider.Sqlite, journal, "telephony");

    [Fact]
    public async Task With_no_lease_the_pod_forms_and_the_lease_names_it_first()
    {
        var store = NewStore();

        var plan = await new FormationGuard(store, Settings).TryFormAsync(Self, Now);

        Assert.True(plan.MayForm, plan.Reason);
        var row = await store.ReadAsync();
        Assert.NotNull(row);
        Assert.Equal([Self], row.Members);
        Assert.Equal(Now + Settings.TimeToLive, row.ExpiresAt);
    }

    [Fact]
    public async Task While_another_cluster_holds_a_live_lease_the_pod_does_not_form()
    {
        var store = NewStore();
        var running = new LeaseRow(Other, [Other], Now + TimeSpan.FromSeconds(12));
        Assert.True(await store.TryWriteAsync(null, running));

        var plan = await new FormationGuard(store, Settings).TryFormAsync(Self, Now);

        Assert.False(plan.MayForm);
        Assert.Contains("a cluster is running over this journal", plan.Reason);
        Assert.Equal(running.MembersText, (await store.ReadAsync())!.MembersText); // untouched
    }

    [Fact]
    public async Task Once_nobody_renewed_the_lease_for_its_time_to_live_the_pod_forms()
    {
        var store = NewStore();
        Assert.True(await store.TryWriteAsync(null, new LeaseRow(Other, [Other], Now - TimeSpan.FromSeconds(1))));

        var plan = await new FormationGuard(store, Settings).TryFormAsync(Self, Now);

        Assert.True(plan.MayForm, plan.Reason);
        Assert.Equal([Self], (await store.ReadAsync())!.Members);
    }

    [Fact]
    public async Task Of_two_pods_deciding_to_form_at_once_one_forms()
    {
        // Each pod has its own store (its own connections) over the one journal database.
        var journal = TestJournal.Sqlite().ConnectionString;
        var store = StoreOver(journal);
        await store.ReadAsync(); // the table exists before the race, as in a journal that ran before

        var plans = await Task.WhenAll(
            new FormationGuard(store, Settings).TryFormAsync(Self, Now),
            new FormationGuard(StoreOver(journal), Settings).TryFormAsync(Other, Now));

        Assert.Single(plans, p => p.MayForm);
        var holder = (await store.ReadAsync())!.Holder;
        Assert.Equal(plans[0].MayForm ? Self : Other, holder);
    }

    [Fact]
    public async Task When_the_lease_cannot_be_read_the_pod_does_not_form()
    {
        // A journal database that answers nothing but errors: a file that is no SQLite database.
        var broken = Path.Combine(TestDatabases.TempFolder(), "journal.db");
        await File.WriteAllTextAsync(broken, new string('x', 4096));
        var store = StoreOver(JournalSchema.SqliteConnectionString(broken));

        var plan = await new FormationGuard(store, Settings).TryFormAsync(Self, Now);

        Assert.False(plan.MayForm);
        Assert.StartsWith("the lease cannot be read", plan.Reason);
    }
}
