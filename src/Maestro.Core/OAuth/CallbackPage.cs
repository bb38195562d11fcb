using System.Net;

namespace Maestro.Core.OAuth;

/// <summary>The small page the browser shows when it comes back to Maestro's loopback server.</summary>
public static class CallbackPage
{
    public static string Render(CallbackReply reply)
    {
        var title = WebUtility.HtmlEncode(reply.Title);
        var message = WebUtility.HtmlEncode(reply.Message);
        var colour = reply.Success ? "#1a7f37" : "#cf222e";
        var next = reply.Success
            ? "You can close this tab and return to Maestro."
            : "Close this tab, then start the login again in Maestro.";
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{title}} · Maestro</title>
            <style>
            body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh; background: #f6f8fa; color: #1f2328; }
            main { max-width: 32rem; padding: 2rem; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; }
            h1 { font-size: 1.25rem; margin: 0 0 .5rem; color: {{colour}}; }
            p { margin: .5rem 0; }
            </style>
            </head>
            <body>
            <main>
            <h1>{{title}}</h1>
            <p>{{message}}</p>
            <p>{{next}}</p>
            </main>
            </body>
            </html>
            """;
    }
}
