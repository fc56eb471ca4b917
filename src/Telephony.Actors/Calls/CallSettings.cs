using Akka.Configuration;

namespace Telephony.Actors.Calls;

/// <summary>The <c>telephony.calls</c> block of the configuration.</summary>
/// <param name="PassivateAfterRecovery">how long a call that was already complete when it recovered (woken by a query
/// or a late event) stays in memory when nothing new arrives.</param>
public sealed record CallSettings(TimeSpan IdleCompletionTimeout, TimeSpan PassivateAfterCompletion, TimeSpan PassivateAfterRecovery)
{
    public static CallSettings From(Config config) => new(
        config.GetTimeSpan("telephony.calls.idle-completion-timeout", TimeSpan.FromSeconds(30)),
        config.GetTimeSpan("telephony.calls.passivate-after-completion", TimeSpan.FromSeconds(10)),
        config.GetTimeSpan("telephony.calls.passivate-after-recovery", TimeSpan.FromMilliseconds(500)));
}
