using Telephony.Actors.Calls;
using Telephony.Ami.Protocol;
using Telephony.Billing.Rows;

namespace Telephony.Billing.Tests;

/// <summary>Asterisk's <c>cdr</c> rows carry the call's LinkedID even when cdr_manager.conf does not map it (the
/// captures' default: their Cdr events have no LinkedID header).</summary>
public class CdrRowLinkedIdTests
{
    private static readonly BillingRowMapper Mapper = new(_ => TimeZoneInfo.Utc);

    private static List<RecordedEvent> CdrsOf(string capture) =>
        new AmiParser().ParseAll(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures", capture)))
            .Where(m => m.EventName == "Cdr")
            .Select(m => new RecordedEvent(RecordedEventKind.Cdr, "cdr-" + Guid.NewGuid(), DateTimeOffset.UtcNow, m.Headers))
            .ToList();

    [Fact]
    public void An_unmapped_cdr_gets_the_linkedid_of_the_call_the_node_filed_it_under()
    {
        var cdrs = CdrsOf("dial-answered.ami");
        Assert.All(cdrs, c => Assert.Null(c.Header("LinkedID")));
        var rows = Mapper.Map("sqlite:cdr", CallTags.Cdr,
            [new Akka.Persistence.Query.EventEnvelope(new Akka.Persistence.Query.Sequence(7), "call/pbx1/1768039200.1", 1,
                new CallEventsRecorded("pbx1", "1768039200.1", cdrs), 0, [CallTags.Cdr])]).Cdr;
        Assert.Equal(cdrs.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal("1768039200.1", r.LinkedId));
    }

    [Fact]
    public void A_mapped_linkedid_is_kept_as_asterisk_wrote_it()
    {
        var cdr = CdrsOf("timestamps/ts-blind-transfer.ami")[0];
        Assert.NotNull(cdr.Header("LinkedID"));
        var row = Mapper.ToCdrRow("pbx1", cdr, "another-linkedid")!;
        Assert.Equal(cdr.Header("LinkedID"), row.LinkedId);
    }
}
