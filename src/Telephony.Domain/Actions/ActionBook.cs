namespace Telephony.Domain.Actions;

/// <summary>
/// The actions one node's queue holds, with the indexes it answers by: id, idempotency key, an Originate's ChannelId.
/// Finished actions are kept up to <c>keepFinished</c> (oldest forgotten first; the <c>ami_action</c> table keeps them
/// all), and so are their idempotency keys. Rebuilt from the journal by the same <see cref="Add"/> and
/// <see cref="Apply"/> the queue uses live.
/// </summary>
public sealed class ActionBook(int keepFinished)
{
    private readonly Dictionary<string, ActionRecord> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byChannelId = new(StringComparer.Ordinal);
    private readonly Queue<string> _finished = new();
    private readonly Dictionary<ActionStatus, int> _counts = new();

    public long LastNumber { get; private set; }

    public int Count => _byId.Count;

    public IReadOnlyDictionary<ActionStatus, int> Counts => _counts;

    public IEnumerable<ActionRecord> All => _byId.Values;

    public ActionRecord? Find(string id) => _byId.GetValueOrDefault(id);

    public ActionRecord? FindByKey(string key) => _byKey.TryGetValue(key, out var id) ? Find(id) : null;

    /// <summary>The Originate whose ChannelId (its first channel's Uniqueid) is <paramref name="uniqueId"/>.</summary>
    public ActionRecord? FindByChannelId(string uniqueId) => _byChannelId.TryGetValue(uniqueId, out var id) ? Find(id) : null;

    /// <summary>The next id for this node: <c>node:n</c>.</summary>
    public string NextId(string node) => $"{node}:{++LastNumber}";

    /// <summary>Numbers up to <paramref name="n"/> are taken (a snapshot's counter: the actions it forgot used them).</summary>
    public void NumberedUpTo(long n) => LastNumber = Math.Max(LastNumber, n);

    public static long NumberOf(string id) =>
        id.LastIndexOf(':') is var i and >= 0 && long.TryParse(id.AsSpan(i + 1), out var n) ? n : 0;

    public static string? NodeOf(string id) => id.LastIndexOf(':') is var i and > 0 ? id[..i] : null;

    public void Add(ActionRecord action)
    {
        if (_byId.ContainsKey(action.Id)) return;
        _byId[action.Id] = action;
        LastNumber = Math.Max(LastNumber, NumberOf(action.Id));
        if (action.IdempotencyKey is { } key) _byKey[key] = action.Id;
        if (action.ChannelId is { } channelId) _byChannelId[channelId] = action.Id;
        _counts[action.Status] = _counts.GetValueOrDefault(action.Status) + 1;
        if (action.IsDone) Finished(action.Id);
    }

    /// <summary>Applies a step if the lifecycle allows it; null (and nothing changed) otherwise.</summary>
    public ActionRecord? Apply(ActionTransition t)
    {
        if (!_byId.TryGetValue(t.Id, out var before) || !ActionLifecycle.CanMove(before.Status, t.To)) return null;
        var after = before.Apply(t);
        _byId[t.Id] = after;
        _counts[before.Status]--;
        _counts[after.Status] = _counts.GetValueOrDefault(after.Status) + 1;
        if (after.IsDone && !before.IsDone) Finished(t.Id);
        return after;
    }

    /// <summary>Newest first.</summary>
    /// <summary>The newest first, optionally of one status and older than number <paramref name="before"/> (a page).</summary>
    public List<ActionRecord> List(ActionStatus? status, int limit, long? before = null) =>
        _byId.Values.Where(a => (status is null || a.Status == status) && (before is null || NumberOf(a.Id) < before))
            .OrderByDescending(a => NumberOf(a.Id)).Take(Math.Max(0, limit)).ToList();

    private void Finished(string id)
    {
        _finished.Enqueue(id);
        while (_finished.Count > keepFinished && _finished.TryDequeue(out var old))
        {
            if (!_byId.Remove(old, out var gone)) continue;
            _counts[gone.Status]--;
            if (gone.IdempotencyKey is { } key && _byKey.GetValueOrDefault(key) == old) _byKey.Remove(key);
            if (gone.ChannelId is { } channelId && _byChannelId.GetValueOrDefault(channelId) == old) _byChannelId.Remove(channelId);
        }
    }
}
