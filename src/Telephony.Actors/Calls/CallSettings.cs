using Akka.Configuration;

namespace Telephony.Actors.Calls;

/// <summary>The <c>telephony.calls</c> block of the configuration.</summary>
public sealed record CallSettings(TimeSpan IdleCompletionTimeout, TimeSpan PassivateAfterCompletion)
{
    public static CallSettings From(Config config) => new(
        config.GetTimeSpan("telephony.calls.idle-completion-timeout", TimeSpan.FromSeconds(30)),
        config.GetTimeSpan("telephony.calls.passivate-after-completion", TimeSpan.FromSeconds(10)));
}
