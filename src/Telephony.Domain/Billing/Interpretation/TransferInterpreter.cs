using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// BLINDTRANSFER and ATTENDEDTRANSFER (Asterisk 12+ cel.c). Both are reported on the transferer's channel; Extra says
/// the rest:
/// <list type="bullet">
/// <item>blind: <c>extension</c>, <c>context</c>, <c>bridge_id</c>, <c>transferee_channel_name</c>,
/// <c>transferee_channel_uniqueid</c> (N/A when unknown);</item>
/// <item>attended: <c>bridge1_id</c>, <c>channel2_name</c>/<c>_uniqueid</c> (the transferer's channel in the second
/// bridge), <c>bridge2_id</c> or <c>app</c> (transfer to an application), <c>transferee_channel_name</c>/<c>_uniqueid</c>,
/// <c>transfer_target_channel_name</c>/<c>_uniqueid</c>.</item>
/// </list>
/// Wazo call-logd does not interpret either; we record them in order and resolve the target party when the call is
/// built (see <see cref="BillingRules"/>).
/// </summary>
public sealed class TransferInterpreter : CelInterpreter
{
    public TransferInterpreter()
    {
        On(CelEventType.BlindTransfer, (cel, _, call) => call.Transfers.Add((new TransferInfo(
            TransferKind.Blind, call.TimeOf(cel), cel.Channel, NotAvailable(cel.Extra["transferee_channel_name"]),
            NotAvailable(cel.Extra["extension"]), NotAvailable(cel.Extra["context"]), null, null), call.Ordinal)));

        On(CelEventType.AttendedTransfer, (cel, _, call) => call.Transfers.Add((new TransferInfo(
            TransferKind.Attended, call.TimeOf(cel), cel.Channel, NotAvailable(cel.Extra["transferee_channel_name"]),
            null, null, NotAvailable(cel.Extra["transfer_target_channel_name"]), NotAvailable(cel.Extra["app"])),
            call.Ordinal)));
    }

    private static string? NotAvailable(string? value) =>
        string.IsNullOrEmpty(value) || value == "N/A" ? null : value;
}
