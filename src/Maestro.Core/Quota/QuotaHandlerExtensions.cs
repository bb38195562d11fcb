using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Core.Quota;

public static class QuotaHandlerExtensions
{
    /// <summary>Appends <see cref="QuotaHandler"/> to a provider HttpClient: every response feeds the auths' quota state.</summary>
    public static IHttpClientBuilder AddQuotaTracking(this IHttpClientBuilder builder) =>
        builder.AddHttpMessageHandler(services => new QuotaHandler(services.GetRequiredService<IAuthLimits>(), services.GetRequiredService<TimeProvider>()));
}
