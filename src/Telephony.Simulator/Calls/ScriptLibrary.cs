using System.Reflection;

namespace Telephony.Simulator.Calls;

/// <summary>The call scripts a simulator knows by name: the built-in ones (embedded <c>Scripts/*.call</c>, extracted
/// from the real captures) plus any added from files or text.</summary>
public sealed class ScriptLibrary
{
    private readonly Dictionary<string, CallScript> _scripts = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<CallScript> All => _scripts.Values;

    public CallScript? this[string name] => _scripts.GetValueOrDefault(name);

    public static ScriptLibrary BuiltIn()
    {
        var library = new ScriptLibrary();
        var assembly = typeof(ScriptLibrary).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".call", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var fallback = Path.GetFileNameWithoutExtension(resource).Split('.').Last();
            library.Add(CallScript.Parse(reader.ReadToEnd(), fallback));
        }
        return library;
    }

    public ScriptLibrary Add(CallScript script)
    {
        _scripts[script.Name] = script;
        return this;
    }

    /// <summary>Adds every <c>*.call</c> file of a directory.</summary>
    public ScriptLibrary AddDirectory(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.call"))
            Add(CallScript.Parse(File.ReadAllText(file), Path.GetFileNameWithoutExtension(file)));
        return this;
    }
}
