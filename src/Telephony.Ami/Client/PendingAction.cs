using System.Threading.Channels;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Client;

internal enum PendingKind
{
    /// <summary>One response ends it.</summary>
    Single,

    /// <summary><c>EventList: start</c> response, item events, then an event with <c>EventList: Complete</c>.</summary>
    List,

    /// <summary>An async Originate: the response, then the <c>OriginateResponse</c> event with the same ActionID.</summary>
    Originate,
}

/// <summary>
/// An action on the wire waiting for its answer, keyed by its ActionID. The reader completes it; a timeout, a
/// cancellation or the end of the connection fails it; whichever comes first wins (all completions are Try*). Every
/// task completes asynchronously so no caller's continuation ever runs on the socket reader.
/// </summary>
internal sealed class PendingAction(string actionId, string actionName, PendingKind kind)
{
    private readonly TaskCompletionSource<AmiMessage> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly TaskCompletionSource<AmiMessage>? _completion =
        kind == PendingKind.Single ? null : new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Channel<AmiMessage>? _items = kind == PendingKind.List
        ? Channel.CreateUnbounded<AmiMessage>(new UnboundedChannelOptions { SingleWriter = true })
        : null;

    private CancellationTokenSource? _timer;

    public string ActionId { get; } = actionId;
    public string ActionName { get; } = actionName;
    public PendingKind Kind { get; } = kind;

    public Task<AmiMessage> Response => _response.Task;

    /// <summary>The timeout armed for this action (for the error message).</summary>
    public TimeSpan Timeout { get; private set; } = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>The list's closing event, or the OriginateResponse event.</summary>
    public Task<AmiMessage> Completion => _completion?.Task ?? _response.Task;

    public ChannelReader<AmiMessage> Items => _items?.Reader ?? throw new InvalidOperationException("not a list action");

    /// <summary>Handles the response; true when nothing more is expected.</summary>
    public bool OnResponse(AmiMessage response)
    {
        _response.TrySetResult(response);
        switch (Kind)
        {
            case PendingKind.List:
                if (!IsSuccessOrFollows(response))
                {
                    Fail(new AmiActionFailedException(ActionName, response));
                    return true;
                }
                if (!string.Equals(response["EventList"], "start", StringComparison.OrdinalIgnoreCase))
                {
                    // Not a list after all: the response is the whole answer.
                    _items!.Writer.TryComplete();
                    _completion!.TrySetResult(response);
                    return true;
                }
                return false;
            case PendingKind.Originate:
                if (!response.IsSuccess)
                {
                    _completion!.TrySetException(new AmiActionFailedException(ActionName, response));
                    return true;
                }
                return _completion!.Task.IsCompleted;
            default:
                return true;
        }
    }

    /// <summary>Handles an event carrying this ActionID. <paramref name="consumed"/>: it belongs to this action only (a
    /// list item) and is not an ordinary event.</summary>
    public bool OnEvent(AmiMessage evt, out bool consumed)
    {
        consumed = false;
        switch (Kind)
        {
            case PendingKind.List:
                consumed = true;
                if (evt["EventList"] is { } state && !state.Equals("start", StringComparison.OrdinalIgnoreCase))
                {
                    _items!.Writer.TryComplete();
                    _completion!.TrySetResult(evt);
                    return true;
                }
                _items!.Writer.TryWrite(evt);
                return false;
            case PendingKind.Originate when string.Equals(evt.EventName, "OriginateResponse", StringComparison.OrdinalIgnoreCase):
                _completion!.TrySetResult(evt);
                return _response.Task.IsCompleted;
            default:
                return false;
        }
    }

    public void Fail(Exception error)
    {
        _response.TrySetException(error);
        _completion?.TrySetException(error);
        _items?.Writer.TryComplete(error);
    }

    public void ArmTimer(TimeSpan timeout, CancellationToken cancellationToken, Action<PendingAction, bool> expired)
    {
        Timeout = timeout;
        if (timeout == System.Threading.Timeout.InfiniteTimeSpan && !cancellationToken.CanBeCanceled) return;
        var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _timer = timer;
        timer.Token.UnsafeRegister(
            static (state, _) =>
            {
                var (self, ct, callback) = ((PendingAction, CancellationToken, Action<PendingAction, bool>))state!;
                callback(self, ct.IsCancellationRequested);
            },
            (this, cancellationToken, expired));
        try
        {
            if (timeout != System.Threading.Timeout.InfiniteTimeSpan) timer.CancelAfter(timeout);
        }
        catch (ObjectDisposedException)
        {
            // cancelled and finished while arming
        }
    }

    public void DisarmTimer() => Interlocked.Exchange(ref _timer, null)?.Dispose();

    /// <summary>Also success for a legacy <c>Response: Follows</c> (Command output before Asterisk 14).</summary>
    public static bool IsSuccessOrFollows(AmiMessage response) =>
        response.IsSuccess || string.Equals(response.ResponseStatus, "Follows", StringComparison.OrdinalIgnoreCase);
}
