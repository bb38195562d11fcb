using Npgsql;

namespace Maestro.Data.Batching;

/// <summary>Reading a request's share of a grouped batch (see <see cref="IGroupedStatements{TRequest, TResult}.ReadAsync"/>).</summary>
public static class GroupedResults
{
    /// <summary>
    /// The one row a statement that writes must return (<c>RETURNING</c>), then on to the next result set. No row means
    /// the write did not happen: <paramref name="what"/> names it in the error.
    /// </summary>
    public static async Task<T> SingleAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read, string what, CancellationToken cancellationToken)
    {
        var row = await reader.ReadAsync(cancellationToken)
            ? read(reader)
            : throw new InvalidOperationException($"The {what} was not recorded.");
        await reader.NextResultAsync(cancellationToken);
        return row;
    }
}
