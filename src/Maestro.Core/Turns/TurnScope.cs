using Maestro.Core.Sessions;
using Maestro.Core.Tools;

namespace Maestro.Core.Turns;

/// <summary>What the executor needs to know about the running turn (made by <see cref="ToolExecutor.ScopeFor"/>).</summary>
public sealed record TurnScope(Guid TurnId, Session Session, ToolSet Tools, ToolContext ToolContext, IApprovalHandler Approvals);
