namespace Telephony.Domain.Actions;

/// <summary>
/// What a client asks one Asterisk node to do: an AMI action name and its headers (as Asterisk spells them, in order;
/// <c>ActionID</c> is the queue's). <see cref="Priority"/> runs from 0 (first) to 9; null takes the action's default
/// (<see cref="ActionKinds.DefaultPriority"/>). <see cref="IdempotencyKey"/>: submitting the same key to the same node
/// again returns the first action instead of a second one.
/// </summary>
public sealed record ActionRequest(
    string Node,
    string Action,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? IdempotencyKey = null,
    int? Priority = null,
    DateTimeOffset? NotBefore = null,
    DateTimeOffset? ExpiresAt = null)
{
    /// <summary>The first value of <paramref name="key"/> (case-insensitive), or null.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (var h in Headers)
                if (h.Key.Equals(key, StringComparison.OrdinalIgnoreCase)) return h.Value;
            return null;
        }
    }
}

/// <summary>Why a request was refused before anything was journaled: <see cref="Field"/> names what to fix
/// (<c>node</c>, <c>action</c>, <c>headers.Channel</c>, <c>priority</c>, ...).</summary>
public sealed record ActionRequestError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
