using System.Text;
using Telephony.Ami.Protocol;
using Telephony.Simulator.Replay;

namespace Telephony.Simulator.Tests;

/// <summary>A replayed capture answers a real client's login itself: the capture's banner is sent first, and its own
/// login response must not reach the client a second time; every other message must, in order.</summary>
public sealed class CaptureLoginTests
{
    private static List<string> Messages(ReadOnlyMemory<byte> bytes) =>
        new AmiParser(expectBanner: false).ParseAll(bytes).Select(m => m.ToString()).ToList();

    [Fact]
    public void The_banner_and_the_first_response_are_taken_out_and_everything_else_stays()
    {
        var capture = Encoding.ASCII.GetBytes(
            "Asterisk Call Manager/6.0.0\r\n" +
            "Event: FullyBooted\r\nPrivilege: system,all\r\n\r\n" +
            "Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\n" +
            "Event: CEL\r\nEventName: CHAN_START\r\n\r\n" +
            "Response: Success\r\nActionID: 2\r\nPing: Pong\r\n\r\n");

        var (banner, rest) = CaptureReplay.WithoutLogin(capture);

        Assert.Equal("Asterisk Call Manager/6.0.0\r\n", Encoding.ASCII.GetString(banner.Span));
        var messages = Messages(rest);
        Assert.Equal(3, messages.Count);
        Assert.Contains("FullyBooted", messages[0]);
        Assert.Contains("CHAN_START", messages[1]);
        Assert.Contains("Ping", messages[2]); // only the first response was the capture's login
    }

    [Fact]
    public void A_capture_whose_login_follows_its_banner_is_not_copied()
    {
        var capture = Encoding.ASCII.GetBytes(
            "Asterisk Call Manager/6.0.0\r\n" +
            "Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\n" +
            "Event: CEL\r\nEventName: CHAN_START\r\n\r\n");

        var (_, rest) = CaptureReplay.WithoutLogin(capture);

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(rest, out var segment));
        Assert.Same(capture, segment.Array);
        Assert.Equal("Event: CEL\r\nEventName: CHAN_START\r\n\r\n", Encoding.ASCII.GetString(rest.Span));
    }

    [Fact]
    public void A_capture_without_a_banner_or_a_response_is_sent_whole()
    {
        var capture = Encoding.ASCII.GetBytes("Event: CEL\r\nEventName: CHAN_START\r\n\r\n");

        var (banner, rest) = CaptureReplay.WithoutLogin(capture);

        Assert.True(banner.IsEmpty);
        Assert.Equal(capture, rest.ToArray());
    }
}
