using Telephony.Domain.Actions;

namespace Telephony.Host.Vicidial;

/// <summary>What a row asks for: an <see cref="ActionRequest"/>, or the reason it cannot be sent (bad input).</summary>
public sealed record ManagerRowMapping(ActionRequest? Request, string? Error)
{
    public static ManagerRowMapping Ok(ActionRequest request) => new(request, null);
    public static ManagerRowMapping Bad(string error) => new(null, error);
}
