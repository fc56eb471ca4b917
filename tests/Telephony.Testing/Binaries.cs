namespace Telephony.Testing;

/// <summary>Where a src/ project's build output is, for tests that run it as a process (same configuration as the
/// test itself: tests/X.Tests/bin/&lt;Configuration&gt;/net10.0/ -> src/P/bin/&lt;Configuration&gt;/net10.0/P.dll).</summary>
public static class Binaries
{
    /// <summary>The checkout the tests were built from (tests/X.Tests/bin/&lt;Configuration&gt;/net10.0/ is five below it).</summary>
    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    public static string Of(string project)
    {
        var testBin = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(testBin.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        return Path.Combine(RepositoryRoot, "src", project, "bin", configuration, "net10.0", project + ".dll");
    }

    /// <summary>The project's native launcher beside its dll (<c>Telephony.Host</c>), what a service manager runs.</summary>
    public static string ExecutableOf(string project) => Path.ChangeExtension(Of(project), null);
}
