using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Telephony.Billing.Sinks;

/// <summary>
/// What the file-backed sinks need to keep data and offsets on disk through a crash: fsync of a file and of its folder,
/// small state files replaced atomically (temp file, fsync, rename, fsync the folder), and file-safe projection names.
/// </summary>
internal static class DurableFiles
{
    private static readonly JsonSerializerOptions StateJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    /// <summary>A projection name (<c>files:cdr</c>) as a file-name part (<c>files.cdr</c>).</summary>
    public static string SafeName(string projection)
    {
        var sb = new StringBuilder(projection.Length);
        foreach (var c in projection)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '.');
        return sb.ToString();
    }

    /// <summary>The state in <paramref name="path"/>, or null when there is none yet. A leftover temp file (a crash
    /// before the rename) is ignored: the state it held was never recorded.</summary>
    public static T? ReadState<T>(string path) where T : class
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), StateJson);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"state file {path} is not readable ({e.Message}); fix or remove it", e);
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="state"/> so that a crash leaves either the old or
    /// the new state, never a torn one.</summary>
    public static void WriteState<T>(string path, T state)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(JsonSerializer.SerializeToUtf8Bytes(state, StateJson));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Makes the entries of a folder (created, renamed files) durable. .NET cannot open a folder for fsync,
    /// so this goes to libc on Linux; elsewhere it does nothing (the rename is still atomic, only its durability after
    /// a power cut is left to the file system's ordering).</summary>
    public static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(folder, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try
        {
            _ = FSync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    private static extern int FSync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
