using Telephony.Ami.Protocol;

namespace Telephony.Actors.Tests;

/// <summary>Events of the real Asterisk captures (tests/fixtures/ami-captures), read through the project's AMI parser,
/// for the node's plain classes.</summary>
internal static class NodeCaptures
{
    public static IReadOnlyList<AmiMessage> Events(string capture) =>
        new AmiParser().ParseAll(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures", capture)))
            .Where(m => m.IsEvent).ToList();

    public static IReadOnlyList<AmiMessage> Events(string capture, string eventName) =>
        Events(capture).Where(m => m.EventName == eventName).ToList();

    /// <summary>A captured event as Asterisk would send it with one header left out.</summary>
    public static AmiMessage Without(AmiMessage message, string key) =>
        AmiMessage.From(message.Headers.Where(h => !string.Equals(h.Key, key, StringComparison.OrdinalIgnoreCase)));

    /// <summary>A captured event with one header's value replaced.</summary>
    public static AmiMessage With(AmiMessage message, string key, string value) =>
        AmiMessage.From(message.Headers.Select(h => string.Equals(h.Key, key, StringComparison.OrdinalIgnoreCase)
            ? new KeyValuePair<string, string>(h.Key, value) : h));
}
