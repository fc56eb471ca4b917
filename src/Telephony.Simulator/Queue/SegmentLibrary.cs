using Telephony.Simulator.Calls;

namespace Telephony.Simulator.Queue;

/// <summary>
/// The pieces of the virtual queue calls (<c>Queue/Segments/*.seg</c>, embedded): stretches of the two-node captures
/// between the moments where something outside decides what happens next (a Redirect, the agent answering, a
/// timeout). Each is a call script without waits; the flows play them in order and wait in between.
/// </summary>
internal static class SegmentLibrary
{
    private static readonly Dictionary<string, CallScript> Segments = Load();

    public static CallScript Get(string name) =>
        Segments.TryGetValue(name, out var s) ? s : throw new InvalidOperationException($"no queue segment '{name}'");

    private static Dictionary<string, CallScript> Load()
    {
        var all = new Dictionary<string, CallScript>(StringComparer.Ordinal);
        var assembly = typeof(SegmentLibrary).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".seg", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var name = Path.GetFileNameWithoutExtension(resource).Split('.').Last();
            all[name] = CallScript.Parse(reader.ReadToEnd(), name);
        }
        return all;
    }
}
