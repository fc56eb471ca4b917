using Akka.Actor;
using Telephony.Domain.Actions;

namespace Telephony.Actors.Actions;

/// <summary>A node's actions up to a limit, page by page where its queue cut an answer to fit a remoting frame
/// (<see cref="ActionPages"/>), as one <see cref="ActionList"/>.</summary>
public static class ActionListAsk
{
    /// <summary>Answers anything but an <see cref="ActionList"/> as it came (e.g. a node that is not configured).</summary>
    public static async Task<object> AskAsync(IActorRef region, string node, ActionStatus? status, int limit, TimeSpan timeout,
        CancellationToken cancel = default)
    {
        ActionList? list = null;
        long? before = null;
        do
        {
            var reply = await region.Ask<object>(new ListActions(node, status, limit - (list?.Actions.Count ?? 0), before), timeout, cancel);
            if (reply is not ActionList page) return reply;
            list = list is null ? page : page with { Actions = [.. list.Actions, .. page.Actions], More = page.More };
            before = page.More;
        } while (before is not null && list.Actions.Count < limit);
        return list;
    }
}
