using Maestro.Core.Auths;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Usage;

public static class UsageAccountingChatClientBuilderExtensions
{
    /// <summary>Counts every call in the usage ledger (<see cref="UsageAccountingChatClient"/>).</summary>
    public static ChatClientBuilder UseUsageAccounting(this ChatClientBuilder builder, IUsageRecorder recorder, AuthRecord auth, ILogger logger) =>
        builder.Use(inner => new UsageAccountingChatClient(inner, recorder, auth, logger));
}
