using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Tests.Support;
using Xunit.Abstractions;

namespace Telephony.Domain.Tests.Billing;

/// <summary>Given the CEL rows of a table in tests/fixtures/cel-tables, the billing record of each LinkedID is the one
/// its <c>expect</c> block describes. See the README there for the format, and each file for what it models.</summary>
public sealed class CelTableScenarioTests(ITestOutputHelper output)
{
    public static TheoryData<string> Tables()
    {
        var data = new TheoryData<string>();
        foreach (var name in CelTable.All()) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Billing_records_match_the_tables_expectations(string table)
    {
        var fixture = CelTable.Load(table);
        Assert.NotEmpty(fixture.Expectations);

        var records = new CelBillingInterpreter().InterpretAll(fixture.Events).ToDictionary(r => r.LinkedId);
        Assert.Equal(fixture.Expectations.Keys.Order(), records.Keys.Order());

        var mismatches = new List<string>();
        foreach (var (linkedId, expected) in fixture.Expectations)
        {
            var actual = BillingView.Of(records[linkedId]);
            foreach (var (key, value) in expected)
            {
                if (!actual.TryGetValue(key, out var got))
                    mismatches.Add($"{linkedId}: unknown expectation key '{key}'");
                else if (got != value)
                    mismatches.Add($"{linkedId}: {key} expected '{value}', got '{got}'");
            }
            foreach (var note in records[linkedId].Notes) output.WriteLine($"{linkedId} note: {note}");
        }
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Fact]
    public void There_is_a_table_for_every_scenario_the_interpreter_handles_beyond_the_captures()
    {
        var tables = CelTable.All().ToList();
        foreach (var scenario in new[]
                 {
                     "blind-transfer.txt", "attended-transfer.txt", "local-optimize.txt", "park-retrieve.txt",
                     "pickup.txt", "user-events.txt", "unknown-and-malformed.txt", "plain-dial.txt", "transfer-chain.txt",
                     "queue-agents-rung.txt", "local-optimize-bridged-agent.txt", "bridge-events-damaged.txt",
                     "attended-transfer-timestamps.txt",
                 })
            Assert.Contains(scenario, tables);
    }
}
