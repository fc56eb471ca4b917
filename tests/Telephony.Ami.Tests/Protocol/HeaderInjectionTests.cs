using Telephony.Ami.Protocol;

namespace Telephony.Ami.Tests.Protocol;

/// <summary>AMI header injection: a CR/LF in an innocent field (a caller name from a web form, a variable) would
/// start a new header line and turn the action into something else, e.g. <c>Action: Command</c>.</summary>
public class HeaderInjectionTests
{
    [Theory]
    [InlineData("Evil\r\nAction: Command\r\nCommand: core stop now")]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("nul\0byte")]
    [InlineData("unicode line\u2028separator")]
    [InlineData("vertical\vtab")]
    public void A_value_that_would_break_the_framing_is_rejected_with_a_clear_error(string value)
    {
        var writer = new AmiMessageWriter().Add("Action", "Originate");

        var error = Assert.Throws<AmiHeaderInjectionException>(() => writer.Add("CallerID", value));

        Assert.Contains("CallerID", error.Message);
        Assert.Contains("header injection", error.Message);
    }

    [Theory]
    [InlineData("Action: Command")]
    [InlineData("Key\r\n")]
    [InlineData("With Space")]
    [InlineData("")]
    public void A_key_that_is_not_a_plain_token_is_rejected(string key)
    {
        Assert.Throws<AmiHeaderInjectionException>(() => new AmiMessageWriter().Add(key, "v"));
    }

    [Fact]
    public void Tabs_and_non_ASCII_text_are_legitimate_values()
    {
        var bytes = new AmiMessageWriter().Add("CallerID", "\"Zoë\tMüller\" <100>").ToArray();

        Assert.Equal("\"Zoë\tMüller\" <100>", new AmiParser(expectBanner: false).ParseAll(bytes).Single()["CallerID"]);
    }
}
