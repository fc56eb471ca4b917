using Telephony.Actors.Calls;

namespace Telephony.Actors.Tests;

/// <summary>A call remembers identities as <see cref="IdentityKey"/>s: two keys must be equal exactly when the identity
/// texts are, whichever form the text has.</summary>
public class IdentityKeyTests
{
    [Fact]
    public void Keys_are_equal_exactly_when_the_identities_are()
    {
        string[] identities =
        [
            "cel1:0123456789abcdef0123456789abcdef",
            "cdr1:0123456789abcdef0123456789abcdef", // same digits, other kind
            "cel1:0123456789abcdef0123456789abcdee", // last digit
            "cel1:f123456789abcdef0123456789abcdef", // first digit
            "cel1:0123456789ABCDEF0123456789ABCDEF", // upper case: another text, kept as text
            "cel1:0123456789abcdef0123456789abcde",  // one digit short
            "cel1:0123456789abcdef0123456789abcdeg", // not hex
            "cel2:0123456789abcdef0123456789abcdef", // another version
            "1700000001.1#3",                        // an identity made by a test or an import
            "",
        ];
        for (var i = 0; i < identities.Length; i++)
        for (var j = 0; j < identities.Length; j++)
            Assert.Equal(i == j, IdentityKey.Of(identities[i]) == IdentityKey.Of(identities[j]));

        // The standard form is packed (no string kept); the others keep their text.
        Assert.Null(IdentityKey.Of(identities[0]).Text);
        Assert.Null(IdentityKey.Of(identities[1]).Text);
        Assert.Equal(identities[4], IdentityKey.Of(identities[4]).Text);
        Assert.Equal(identities[8], IdentityKey.Of(identities[8]).Text);
    }

    [Fact]
    public void Identities_the_domain_computes_are_packed()
    {
        var headers = new KeyValuePair<string, string>[]
        {
            new("Event", "CEL"), new("EventName", "CHAN_START"), new("UniqueID", "1700000001.1"), new("LinkedID", "1700000001.1"),
            new("EventTime", "2026-11-22 10:00:00.000000"), new("Channel", "PJSIP/100-00000001"),
        };
        var cel = Telephony.Domain.Cel.CelEventFactory.Parse(headers, TimeZoneInfo.Utc).Value!;
        var identity = Telephony.Domain.Identity.EventIdentity.ForCel(cel).Value;
        Assert.Null(IdentityKey.Of(identity).Text);
        Assert.Equal(IdentityKey.Of(identity), IdentityKey.Of(new string(identity.AsSpan())));
    }
}
