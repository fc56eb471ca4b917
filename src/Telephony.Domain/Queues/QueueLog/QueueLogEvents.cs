namespace Telephony.Domain.Queues.QueueLog;

/// <summary>The event names app_queue (and main/logger.c) write, as written.</summary>
public static class QueueLogEvents
{
    public const string QueueStart = "QUEUESTART";
    public const string ConfigReload = "CONFIGRELOAD";
    public const string EnterQueue = "ENTERQUEUE";
    public const string Connect = "CONNECT";
    public const string CompleteCaller = "COMPLETECALLER";
    public const string CompleteAgent = "COMPLETEAGENT";
    public const string Abandon = "ABANDON";
    public const string ExitWithTimeout = "EXITWITHTIMEOUT";
    public const string ExitEmpty = "EXITEMPTY";
    public const string ExitWithKey = "EXITWITHKEY";
    public const string Withdraw = "WITHDRAW";
    public const string RingNoAnswer = "RINGNOANSWER";
    public const string RingCanceled = "RINGCANCELED";
    public const string AgentDump = "AGENTDUMP";
    public const string AddMember = "ADDMEMBER";
    public const string RemoveMember = "REMOVEMEMBER";
    public const string Pause = "PAUSE";
    public const string Unpause = "UNPAUSE";
    public const string PauseAll = "PAUSEALL";
    public const string UnpauseAll = "UNPAUSEALL";
    public const string Penalty = "PENALTY";
}
