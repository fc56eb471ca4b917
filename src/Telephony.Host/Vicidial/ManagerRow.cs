namespace Telephony.Host.Vicidial;

/// <summary>
/// One row of VICIdial's <c>vicidial_manager</c> table: an AMI action a VICIdial client (the agent screen, the
/// auto-dialer, AGI scripts) wants sent to the Asterisk server at <see cref="ServerIp"/>. <see cref="Lines"/> are
/// <c>cmd_line_b</c> .. <c>cmd_line_k</c> in order, each a whole <c>Header: value</c> line or empty.
/// <see cref="CallerId"/> is the client's correlation code (e.g. <c>M3051234560000012345</c>).
/// </summary>
public sealed record ManagerRow(long ManId, string ServerIp, string Action, string? CallerId, IReadOnlyList<string?> Lines)
{
    /// <summary>cmd_line_b .. cmd_line_k.</summary>
    public const int LineCount = 10;

    public DateTime? EntryDate { get; init; }
    public ManagerRowStatus? Status { get; init; } = ManagerRowStatus.New;
    public string? UniqueId { get; init; }
    public string? Channel { get; init; }

    /// <summary><c>cmd_line_b</c> for index 0 .. <c>cmd_line_k</c> for 9.</summary>
    public static string LineColumn(int index) => "cmd_line_" + (char)('b' + index);
}
