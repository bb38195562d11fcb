using System.Text;
using Maestro.Core.Turns;
using Maestro.Web.Components.Approvals;
using Maestro.Web.Components.Shared;

namespace Maestro.Web.Ui;

/// <summary>The inbox's live fragments: the nav badge (every page with a live stream) and the Approvals page's list.</summary>
public sealed class InboxFragments(InboxCount count, ApprovalService approvals, FragmentRenderer renderer)
{
    /// <summary>The badge as of <paramref name="asOfEventId"/> (the latest approval event the viewer saw).</summary>
    public async Task AppendBadgeAsync(StringBuilder html, long asOfEventId) =>
        html.Append(await renderer.RenderAsync<InboxBadge>(new Dictionary<string, object?>
        {
            ["Count"] = await count.GetAsync(asOfEventId),
            ["Oob"] = true,
        }));

    public async Task AppendListAsync(StringBuilder html, CancellationToken cancellationToken) =>
        html.Append(await renderer.RenderAsync<InboxList>(new Dictionary<string, object?>
        {
            ["Entries"] = await approvals.InboxAsync(cancellationToken),
            ["Oob"] = true,
        }));
}
