using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Data;
using Npgsql;

namespace Maestro.Gateway.Routes;

internal sealed class PostgresGatewayRouteStore(MaestroDatabase database, TimeProvider time) : IGatewayRouteStore
{
    public async Task<IReadOnlyList<GatewayRoute>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT r.id, r.name, r.created_at, r.updated_at, t.auth_id, a.provider, a.name, t.model
            FROM gateway_routes r
            LEFT JOIN gateway_route_targets t ON t.route_id = r.id
            LEFT JOIN auths a ON a.id = t.auth_id
            ORDER BY r.name, t.position
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var routes = new List<GatewayRoute>();
        List<RouteTarget>? targets = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            if (routes.Count == 0 || routes[^1].Id != id)
            {
                targets = [];
                routes.Add(new GatewayRoute(id, reader.GetString(1), targets, reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }

            if (!reader.IsDBNull(4))
            {
                targets!.Add(new RouteTarget(reader.GetGuid(4), new AuthRef(reader.GetString(5), reader.GetString(6)), reader.GetString(7)));
            }
        }

        return routes;
    }

    public async Task<GatewayRoute> CreateAsync(string name, IReadOnlyList<(Guid AuthId, string Model)> targets, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using (var insert = new NpgsqlCommand("INSERT INTO gateway_routes (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)", connection, transaction))
            {
                insert.Parameters.AddWithValue(id);
                insert.Parameters.AddWithValue(name);
                insert.Parameters.AddWithValue(now);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await InsertTargetsAsync(connection, transaction, id, targets, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException($"A route named '{name}' exists.", "name");
        }

        return (await ListAsync(cancellationToken)).First(r => r.Id == id);
    }

    public async Task<GatewayRoute?> UpdateAsync(string name, string? newName, IReadOnlyList<(Guid AuthId, string Model)>? targets, CancellationToken cancellationToken)
    {
        Guid id;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using (var update = new NpgsqlCommand("UPDATE gateway_routes SET name = coalesce($2, name), updated_at = $3 WHERE name = $1 RETURNING id", connection, transaction))
            {
                update.Parameters.AddWithValue(name);
                update.Parameters.Add(new NpgsqlParameter { Value = (object?)newName ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                update.Parameters.AddWithValue(time.GetUtcNow());
                if (await update.ExecuteScalarAsync(cancellationToken) is not Guid found)
                {
                    return null;
                }

                id = found;
            }

            if (targets is not null)
            {
                await using (var clear = new NpgsqlCommand("DELETE FROM gateway_route_targets WHERE route_id = $1", connection, transaction))
                {
                    clear.Parameters.AddWithValue(id);
                    await clear.ExecuteNonQueryAsync(cancellationToken);
                }

                await InsertTargetsAsync(connection, transaction, id, targets, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException($"A route named '{newName}' exists.", "name");
        }

        return (await ListAsync(cancellationToken)).First(r => r.Id == id);
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // Revoked keys can use nothing: their links to the route would only keep it from ever being deleted.
            await using (var unlink = new NpgsqlCommand("""
                DELETE FROM gateway_key_routes kr USING gateway_keys k, gateway_routes r
                WHERE kr.key_id = k.id AND kr.route_id = r.id AND r.name = $1 AND k.revoked_at IS NOT NULL
                """, connection, transaction))
            {
                unlink.Parameters.AddWithValue(name);
                await unlink.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var command = new NpgsqlCommand("DELETE FROM gateway_routes WHERE name = $1", connection, transaction);
            command.Parameters.AddWithValue(name);
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
            await transaction.CommitAsync(cancellationToken);
            return deleted;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            await using var keys = new NpgsqlCommand("""
                SELECT string_agg(k.name, ', ' ORDER BY k.name) FROM gateway_keys k
                JOIN gateway_key_routes kr ON kr.key_id = k.id JOIN gateway_routes r ON r.id = kr.route_id
                WHERE r.name = $1 AND k.revoked_at IS NULL
                """, connection);
            keys.Parameters.AddWithValue(name);
            var users = await keys.ExecuteScalarAsync(cancellationToken) as string;
            throw new ConflictException(
                $"Route '{name}' is in use by key(s) {users}, which may use only their routes; revoke those keys first.",
                "name");
        }
    }

    private static async Task InsertTargetsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid routeId, IReadOnlyList<(Guid AuthId, string Model)> targets, CancellationToken cancellationToken)
    {
        for (var i = 0; i < targets.Count; i++)
        {
            await using var target = new NpgsqlCommand("INSERT INTO gateway_route_targets (route_id, position, auth_id, model) VALUES ($1, $2, $3, $4)", connection, transaction);
            target.Parameters.AddWithValue(routeId);
            target.Parameters.AddWithValue(i);
            target.Parameters.AddWithValue(targets[i].AuthId);
            target.Parameters.AddWithValue(targets[i].Model);
            await target.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
