using Telephony.Domain.Billing;
using Telephony.Domain.Cel;
using Telephony.Domain.Tests.Support;
using Telephony.Domain.Validation;

namespace Telephony.Domain.Tests.Cel;

public sealed class CelEventParsingTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    [Fact]
    public void Every_header_of_the_cel_event_lands_in_its_field_and_the_raw_headers_are_kept()
    {
        var headers = Headers.FullCel();
        var cel = CelEventFactory.Parse(headers, Utc).GetValueOrThrow();

        Assert.Equal("BRIDGE_ENTER", cel.EventName);
        Assert.Equal(CelEventType.BridgeEnter, cel.Type);
        Assert.Equal("acct-1", cel.AccountCode);
        Assert.Equal("100", cel.CallerIdNum);
        Assert.Equal("Alice", cel.CallerIdName);
        Assert.Equal("101", cel.CallerIdAni);
        Assert.Equal("102", cel.CallerIdRdnis);
        Assert.Equal("200", cel.CallerIdDnid);
        Assert.Equal("200", cel.Exten);
        Assert.Equal("default", cel.Context);
        Assert.Equal("PJSIP/alice-00000001", cel.Channel);
        Assert.Equal("Dial", cel.Application);
        Assert.Equal("PJSIP/bob,30", cel.AppData);
        Assert.Equal("2026-01-10 10:00:05.123456", cel.EventTime.Text);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 10, 0, 5, TimeSpan.Zero).AddTicks(1234560), cel.EventTime.Utc);
        Assert.True(cel.EventTime.HasSubSecondPrecision);
        Assert.Equal("BILLING", cel.AmaFlags);
        Assert.Equal("1768039200.1", cel.UniqueId);
        Assert.Equal("1768039200.0", cel.LinkedId);
        Assert.Equal("tenant-a", cel.TenantId);
        Assert.Equal("uf", cel.UserField);
        Assert.Equal("PJSIP/bob-00000002", cel.Peer);
        Assert.Equal("acct-2", cel.PeerAccount);
        Assert.Equal("", cel.UserDefType);
        Assert.Equal(CelExtraFormat.Json, cel.Extra.Format);
        Assert.Equal("b1", cel.Extra["bridge_id"]);
        Assert.Equal("simple_bridge", cel.Extra["bridge_technology"]);
        Assert.Equal(headers, cel.Headers);
        Assert.Null(cel.Hangup);
    }

    [Fact]
    public void A_real_hangup_from_asterisk_20_parses_with_its_json_extra()
    {
        var hangup = Captures.Cel("dial-busy").First(c => c is { Type: CelEventType.Hangup, Channel: "Local/dial-busy@test-0000000b;2" });

        Assert.Equal("2026-11-22 22:31:54", hangup.EventTime.Text);
        Assert.False(hangup.EventTime.HasSubSecondPrecision);
        Assert.Equal("DOCUMENTATION", hangup.AmaFlags);
        Assert.Equal("", hangup.TenantId); // Asterisk 20.20.1 with chan_sip does not send TenantID
        var details = Assert.IsType<HangupDetails>(hangup.Hangup);
        Assert.Equal(16, details.Cause);
        Assert.Equal("dialplan/builtin", details.Source);
        Assert.Equal("BUSY", details.DialStatus);
        Assert.False(details.ExtraWasMalformed);
        Assert.Equal("call,all", hangup.Headers.Single(h => h.Key == "Privilege").Value);
    }

    public static TheoryData<string, CelEventType> KnownNames()
    {
        var data = new TheoryData<string, CelEventType>();
        foreach (var t in CelEventTypes.AllKnown) data.Add(t.ToAsteriskName()!, t);
        return data;
    }

    [Theory]
    [MemberData(nameof(KnownNames))]
    public void Every_asterisk_cel_type_is_known_by_its_name(string name, CelEventType type)
    {
        Assert.Equal(type, CelEventTypes.FromName(name));
        Assert.Equal(type, CelEventTypes.FromName(name.ToLowerInvariant()));
        var cel = CelEventFactory.Parse(Headers.FullCel().With("EventName", name), Utc).GetValueOrThrow();
        Assert.Equal(type, cel.Type);
        Assert.Equal(name, cel.EventName);
    }

    [Fact]
    public void All_twenty_one_cel_types_of_the_issue_are_covered()
    {
        Assert.Equal(21, CelEventTypes.AllKnown.Count);
        Assert.Equal(21, CelEventTypes.AllKnown.Distinct().Count());
    }

    [Fact]
    public void A_celgenuserevent_arrives_under_its_own_name_and_is_kept_as_unknown_with_that_name()
    {
        var cel = CelEventFactory.Parse(Headers.FullCel().With("EventName", "IVR_CHOICE").With("Extra", "{\"extra\":\"2\"}"), Utc)
            .GetValueOrThrow();

        Assert.Equal(CelEventType.Unknown, cel.Type);
        Assert.Equal("IVR_CHOICE", cel.EventName);
        Assert.Equal("IVR_CHOICE", cel.UserEventName);
        Assert.Equal("2", cel.Extra["extra"]);
    }

    [Fact]
    public void With_show_user_defined_the_custom_name_is_in_userdeftype()
    {
        var cel = CelEventFactory.Parse(Headers.FullCel().With("EventName", "USER_DEFINED").With("UserDefType", "BILLING_TAG"), Utc)
            .GetValueOrThrow();

        Assert.Equal(CelEventType.UserDefined, cel.Type);
        Assert.Equal("BILLING_TAG", cel.UserDefType);
        Assert.Equal("BILLING_TAG", cel.UserEventName);
    }

    [Theory]
    [InlineData("{\"hangupcause\":17,\"hangupsource\":\"\",\"dialstatus\":\"\"}", CelExtraFormat.Json, 17)]
    [InlineData("{\"hangupcause\":17,\"hangupsource\":", CelExtraFormat.MalformedJson, null)]
    [InlineData("[16]", CelExtraFormat.MalformedJson, null)]
    [InlineData("cause=16", CelExtraFormat.Text, null)]
    [InlineData("", CelExtraFormat.Empty, null)]
    public void Hangup_extra_is_parsed_and_bad_json_is_kept_raw_and_flagged(string extra, CelExtraFormat format, int? cause)
    {
        var cel = CelEventFactory.Parse(Headers.FullCel().With("EventName", "HANGUP").With("Extra", extra), Utc).GetValueOrThrow();

        Assert.Equal(format, cel.Extra.Format);
        Assert.Equal(extra, cel.Extra.Raw);
        Assert.Equal(cause, cel.Hangup!.Cause);
        Assert.Equal(format == CelExtraFormat.MalformedJson, cel.Hangup.ExtraWasMalformed);
    }

    [Fact]
    public void Nested_json_values_keep_their_json_text()
    {
        var extra = CelExtra.Parse("{\"a\":{\"b\":1},\"n\":null,\"t\":true}");
        Assert.Equal("{\"b\":1}", extra["a"]);
        Assert.Equal("", extra["n"]);
        Assert.Equal("true", extra["t"]);
        Assert.Null(extra["missing"]);
        Assert.Equal(["a", "n", "t"], extra.Fields.Keys.Order());
    }

    [Fact]
    public void Extra_properties_read_from_the_kept_text_as_json_would()
    {
        // The properties are read from the text when asked: escapes are decoded, a repeated name gives its last value,
        // and a text that only starts like an object is malformed, not half-read.
        var extra = CelExtra.Parse("{\"hangupsource\":\"PJSIP/1001\\u002D00000002\",\"dialstatus\":\"\",\"hangupcause\":16,\"hangupcause\":17}");
        Assert.Equal(CelExtraFormat.Json, extra.Format);
        Assert.Equal("PJSIP/1001-00000002", extra["hangupsource"]);
        Assert.Equal(17, extra.GetInt("hangupcause"));
        Assert.Equal("", extra["dialstatus"]);
        Assert.Equal(CelExtraFormat.MalformedJson, CelExtra.Parse("{\"a\":1} trailing").Format);
        Assert.Null(CelExtra.Parse("{\"a\":1} trailing")["a"]);
    }

    [Theory]
    [InlineData("2026-11-22 22:31:16", "2026-11-22T22:31:16.0000000+00:00", false)]
    [InlineData("2026-11-22 22:31:16.250000", "2026-11-22T22:31:16.2500000+00:00", true)]
    [InlineData("2026-11-22 22:31:16.5", "2026-11-22T22:31:16.5000000+00:00", true)]
    [InlineData("1795386676.250000", "2026-11-22T22:31:16.2500000+00:00", true)]
    [InlineData("1795386676", "2026-11-22T22:31:16.0000000+00:00", false)]
    public void Event_time_accepts_asterisks_formats_and_keeps_the_original_text(string text, string utc, bool fraction)
    {
        var cel = CelEventFactory.Parse(Headers.FullCel().With("EventTime", text), Utc).GetValueOrThrow();

        Assert.Equal(text, cel.EventTime.Text);
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), cel.EventTime.Utc);
        Assert.Equal(fraction, cel.EventTime.HasSubSecondPrecision);
    }

    [Fact]
    public void Any_header_order_key_case_or_repeated_header_gives_the_first_value_of_each_field()
    {
        // The factory reads a CEL in Asterisk's order, each search starting after the last header found; whatever the
        // order, the first value of each key (ignoring case) must win, as with a plain scan from the top.
        var fields = new (string Key, Func<CelEvent, string> Of)[]
        {
            ("EventName", c => c.EventName), ("AccountCode", c => c.AccountCode), ("CallerIDnum", c => c.CallerIdNum),
            ("CallerIDname", c => c.CallerIdName), ("CallerIDani", c => c.CallerIdAni), ("CallerIDrdnis", c => c.CallerIdRdnis),
            ("CallerIDdnid", c => c.CallerIdDnid), ("Exten", c => c.Exten), ("Context", c => c.Context),
            ("Channel", c => c.Channel), ("Application", c => c.Application), ("AppData", c => c.AppData),
            ("EventTime", c => c.EventTime.Text), ("AMAFlags", c => c.AmaFlags), ("UniqueID", c => c.UniqueId),
            ("LinkedID", c => c.LinkedId), ("TenantID", c => c.TenantId), ("Userfield", c => c.UserField),
            ("Peer", c => c.Peer), ("PeerAccount", c => c.PeerAccount), ("UserDefType", c => c.UserDefType),
            ("Extra", c => c.Extra.Raw),
        };
        var random = new Random(20261123);
        for (var round = 0; round < 500; round++)
        {
            var headers = Headers.FullCel().OrderBy(_ => random.Next()).ToList();
            // Copies of some headers with other values, anywhere (before the original too), some in another case.
            for (var n = random.Next(0, 4); n > 0; n--)
            {
                var (key, _) = fields[random.Next(fields.Length)];
                var spelled = random.Next(2) == 0 ? key : key.ToUpperInvariant();
                var value = key == "EventTime" ? "2026-01-10 10:00:06" : key is "EventName" ? "HANGUP" : "copy-" + n;
                headers.Insert(random.Next(headers.Count + 1), new(spelled, value));
            }
            var cel = CelEventFactory.Parse(headers, Utc).GetValueOrThrow();
            foreach (var (key, of) in fields)
            {
                var first = headers.First(h => h.Key.Equals(key, StringComparison.OrdinalIgnoreCase)).Value;
                Assert.True(first.Trim() == of(cel), $"round {round}: {key} is '{of(cel)}', first value '{first}'");
            }
        }
    }

    [Theory]
    [InlineData("LinkedID", ValidationErrorCode.MissingField)]
    [InlineData("UniqueID", ValidationErrorCode.MissingField)]
    [InlineData("EventName", ValidationErrorCode.MissingField)]
    [InlineData("EventTime", ValidationErrorCode.MissingField)]
    public void A_cel_without_an_identifying_header_is_refused_with_a_reason(string header, ValidationErrorCode code)
    {
        var absent = CelEventFactory.Parse(Headers.FullCel().Without(header), Utc);
        var blank = CelEventFactory.Parse(Headers.FullCel().With(header, "  "), Utc);

        foreach (var result in new[] { absent, blank })
        {
            Assert.False(result.IsValid);
            Assert.Equal(code, result.Error.Code);
            Assert.Equal(header, result.Error.Field);
            Assert.Contains(header, result.Error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("22/11/2026 22:31:16")]
    [InlineData("2026-11-22T22:31:16")]
    [InlineData("2026-13-22 22:31:16")]
    [InlineData("2026-11-22 22:31:16.")]
    [InlineData("2026-11-22 22:31:16.12345678")]
    [InlineData("yesterday")]
    public void An_unparsable_event_time_is_refused_not_thrown(string text)
    {
        var result = CelEventFactory.Parse(Headers.FullCel().With("EventTime", text), Utc);

        Assert.False(result.IsValid);
        Assert.Equal(ValidationErrorCode.UnparsableTime, result.Error.Code);
        Assert.Equal("EventTime", result.Error.Field);
        Assert.Contains(text, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cdr_handed_to_the_cel_factory_is_refused()
    {
        var result = CelEventFactory.Parse(Headers.FullCdr(), Utc);
        Assert.Equal(ValidationErrorCode.WrongEventKind, result.Error!.Code);
    }

    [Fact]
    public void Every_cel_event_of_every_capture_parses()
    {
        var count = 0;
        foreach (var name in Captures.WithCel())
            foreach (var m in Captures.Events(name, "CEL"))
            {
                var result = CelEventFactory.Parse(m.Headers, Captures.Zone);
                Assert.True(result.IsValid, $"{name}: {result.Error}");
                Assert.NotEqual(CelEventType.Unknown, result.Value.Type);
                count++;
            }
        Assert.True(count > 100, $"only {count} CEL events in the captures");
    }

    [Fact]
    public void Dispositions_round_trip_through_asterisks_text()
    {
        foreach (var d in Enum.GetValues<CallDisposition>())
            Assert.Equal(d, CallDispositions.FromAsteriskString(d.ToAsteriskString()));
        Assert.Null(CallDispositions.FromAsteriskString("NULL"));
    }
}
