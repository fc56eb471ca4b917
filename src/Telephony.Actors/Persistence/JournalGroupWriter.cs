using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Util;

namespace Telephony.Actors.Persistence;

/// <summary>
/// Writes groups of journal writes (<see cref="TelephonySqlJournal"/>'s group commit) straight to the journal table,
/// one transaction per group, instead of through the plugin's write stage. The rows are the plugin's rows, column for
/// column: tags as <c>;a;b;</c>, the payload by the serializer bound to its type with that serializer's id and
/// manifest, the representation's timestamp or the time of writing — so the plugin's queries, recovery and deletes
/// read them as their own. Payloads are serialized by the caller (<see cref="Prepare"/>, on the journal actor as each
/// write arrives), so a write whose payload cannot be serialized is refused alone and the rest of its group is written.
/// </summary>
internal abstract class JournalGroupWriter : IDisposable
{
    private readonly string _separator;
    private readonly Akka.Serialization.Serialization _serialization;

    protected JournalGroupWriter(Akka.Configuration.Config journalConfig, ExtendedActorSystem system)
    {
        _separator = journalConfig.GetString("tag-separator", ";");
        _serialization = system.Serialization;
    }

    /// <summary>One atomic write turned into rows (its payloads serialized), or the reason it cannot be written (a
    /// payload that cannot be serialized: that write's rejection, as with the plugin).</summary>
    public sealed record PreparedWrite(IReadOnlyList<Row>? Rows, Exception? Error);

    public readonly record struct Row(string PersistenceId, long SequenceNr, long Created, string Tags, byte[] Message,
        int Identifier, string Manifest, string? Writer);

    /// <summary>Serializes a write's payloads into rows, on the caller's thread.</summary>
    public PreparedWrite Prepare(AtomicWrite write)
    {
        try
        {
            var payload = (IImmutableList<IPersistentRepresentation>)write.Payload;
            var rows = new Row[payload.Count];
            for (var i = 0; i < rows.Length; i++) rows[i] = ToRow(payload[i]);
            return new PreparedWrite(rows, null);
        }
        catch (Exception e)
        {
            return new PreparedWrite(null, e);
        }
    }

    /// <summary>Writes the group in one transaction. Null when every write succeeded; else one entry per write (its
    /// rejection, or null). A database error faults the task: the whole group failed.</summary>
    public abstract Task<IImmutableList<Exception>> WriteAsync(IReadOnlyList<PreparedWrite> writes);

    public abstract void Dispose();

    protected static IImmutableList<Exception> Results(IReadOnlyList<PreparedWrite> writes) =>
        writes.Any(w => w.Error is not null) ? writes.Select(w => w.Error!).ToImmutableList() : null!;

    private Row ToRow(IPersistentRepresentation repr)
    {
        var payload = repr.Payload;
        var tags = "";
        if (payload is Tagged tagged)
        {
            payload = tagged.Payload;
            if (tagged.Tags.Count > 0) tags = _separator + string.Join(_separator, tagged.Tags) + _separator;
        }
        var serializer = _serialization.FindSerializerFor(payload);
        return new Row(repr.PersistenceId, repr.SequenceNr, repr.Timestamp, tags,
            serializer.ToBinary(payload), serializer.Identifier, ManifestOf(serializer, payload), repr.WriterGuid);
    }

    /// <summary>The manifest the plugin stores beside a payload (journal rows and snapshot rows alike).</summary>
    public static string ManifestOf(Akka.Serialization.Serializer serializer, object payload) => serializer switch
    {
        Akka.Serialization.SerializerWithStringManifest s => s.Manifest(payload),
        { IncludeManifest: true } => payload.GetType().TypeQualifiedName(),
        _ => "",
    };
}
