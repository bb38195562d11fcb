using Npgsql;

namespace Maestro.Data.Batching;

/// <summary>The statements of one kind of request, for <see cref="GroupedRoundTrip{TRequest, TResult}"/>.</summary>
public interface IGroupedStatements<TRequest, TResult>
{
    /// <summary>Adds the request's statements to a batch shared with other requests (every statement returns rows).</summary>
    void Add(NpgsqlBatch batch, TRequest request);

    /// <summary>
    /// Reads the request's results and moves past them: one <c>NextResultAsync</c> after each of its statements (each
    /// returns rows, so each has a result set of its own), leaving the reader on the next request's first one.
    /// </summary>
    Task<TResult> ReadAsync(NpgsqlDataReader reader, TRequest request, CancellationToken cancellationToken);

    /// <summary>What the request's own failure means to its caller (a name taken, a session gone); null passes it on.</summary>
    Exception? Explain(PostgresException failure, TRequest request) => null;
}
