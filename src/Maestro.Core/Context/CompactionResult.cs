namespace Maestro.Core.Context;

public sealed record CompactionResult(Guid SummaryMessageId, int Messages, int TokensBefore, int TokensAfter);
