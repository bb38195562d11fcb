using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maestro.Web.Ui;

/// <summary>
/// Renders a Razor component to an HTML string outside a request (for live fragments sent over server-sent events).
/// Used per event (a message finished, a tool call moved on), never per streamed token.
/// </summary>
public sealed class FragmentRenderer(IServiceProvider services, ILoggerFactory loggers)
{
    public async Task<string> RenderAsync<TComponent>(IDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        // A scope and a renderer per fragment: rendered components stay attached to their renderer until it is disposed.
        await using var scope = services.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<NavigationManager>() is IHostEnvironmentNavigationManager navigation)
        {
            // Static rendering of a <form> asks where it is; fragments are posted by htmx, never by the form's action.
            navigation.Initialize("http://localhost/", "http://localhost/");
        }

        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
            return output.ToHtmlString();
        });
    }
}
