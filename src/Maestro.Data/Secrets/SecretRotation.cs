using System.Buffers.Binary;
using System.Globalization;
using Maestro.Core.Errors;
using Maestro.Core.Secrets;
using Npgsql;

namespace Maestro.Data.Secrets;

/// <summary>
/// Re-encrypts every stored secret (<see cref="EncryptedColumns"/>) that names another key than the protector's current
/// one. It works in batches, each its own transaction with the rows locked (an OAuth refresh writing the same row waits,
/// rather than being overwritten with stale tokens), so an interrupted run keeps what it committed and the next run
/// simply carries on: what is left to do is whatever still names an old key.
/// </summary>
public sealed class SecretRotation(NpgsqlDataSource dataSource, ISecretProtector protector)
{
    // Other processes may still write under the old key for a moment (a server that has not seen the new key yet);
    // after this many passes that keep finding new ones, something keeps using the old key and the user must look.
    private const int MaxPasses = 3;

    // Advisory lock key of a rotation in progress ("maestro" + 2); any constant shared by every instance works.
    private const long RotationLockKey = 0x6D61657374726F02;

    /// <summary>
    /// Holds the database-wide rotation lock until disposed (or the process dies), so two `maestro secrets rotate` can
    /// never run at once — in embedded mode each would make its own new key.
    /// </summary>
    public static async Task<IAsyncDisposable> LockAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
        take.Parameters.AddWithValue(RotationLockKey);
        if ((bool)(await take.ExecuteScalarAsync(cancellationToken))!)
        {
            // Released explicitly when disposed: a pooled connection is not closed, and the lock is a session lock.
            return new LockHolder(connection);
        }

        await connection.DisposeAsync();
        throw new MaestroException(
            "Another `maestro secrets rotate` is running on this database.",
            "Let it finish (`maestro secrets status` shows the progress), or stop it and run this again.");
    }

    /// <returns>How many ciphertexts were re-encrypted.</returns>
    public async Task<long> RotateAsync(int batchSize, Action<RotationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var current = protector.CurrentKeyId;
        var currentBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(currentBytes, uint.Parse(current, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

        long done = 0;
        for (var pass = 1; ; pass++)
        {
            var stale = await StaleAsync(cancellationToken);
            if (stale.Count == 0)
            {
                return done;
            }

            if (pass > MaxPasses)
            {
                throw new MaestroException(
                    $"{stale.Sum(u => u.Count)} secret(s) were written with key {string.Join(", ", stale.Select(u => u.KeyId).Distinct())} while rotating to {current}: a Maestro process still encrypts with the old key.",
                    "Give every Maestro instance the new key (MAESTRO_SECRET_KEY, with the old one in MAESTRO_SECRET_KEY_PREVIOUS), restart them, and run `maestro secrets rotate` again.");
            }

            var total = done + stale.Sum(u => u.Count);
            foreach (var table in EncryptedColumns.All.GroupBy(c => c.Table))
            {
                done = await RotateTableAsync(table.ToList(), currentBytes, batchSize, done, total, progress, cancellationToken);
            }
        }
    }

    /// <summary>The ciphertexts under another key than the current one; refuses when one of those keys is not configured.</summary>
    private async Task<IReadOnlyList<KeyUsage>> StaleAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var stale = (await SecretKeyUsage.ReadAsync(connection, null, cancellationToken)).Where(u => u.KeyId != protector.CurrentKeyId).ToList();
        var missing = stale.Where(u => !protector.KeyIds.Contains(u.KeyId)).ToList();
        if (missing.Count > 0)
        {
            throw new SecretKeyException(
                $"Cannot rotate: {Describe(missing)} {(missing.Sum(m => m.Count) == 1 ? "is" : "are")} encrypted with a key that is not configured.",
                "Add that key to MAESTRO_SECRET_KEY_PREVIOUS (comma-separated) and run `maestro secrets rotate` again.");
        }

        return stale;
    }

    private async Task<long> RotateTableAsync(
        List<EncryptedColumn> columns, byte[] currentBytes, int batchSize, long done, long total,
        Action<RotationProgress>? progress, CancellationToken cancellationToken)
    {
        var table = columns[0].Table;
        var id = columns[0].IdColumn;
        // Per column: its value, and whether it is a ciphertext under an old key (a filter may say the value is plain).
        var staleConditions = columns.Select(c => $"({c.HasValue} AND substring(\"{c.CiphertextColumn}\" from 2 for 4) <> $1)").ToList();
        var select = $"SELECT \"{id}\", {string.Join(", ", columns.Select((c, i) => $"\"{c.CiphertextColumn}\", {staleConditions[i]}"))} " +
                     $"FROM \"{table}\" WHERE {string.Join(" OR ", staleConditions)} ORDER BY \"{id}\" LIMIT $2 FOR UPDATE";
        var keyIdColumns = columns.Select(c => c.KeyIdColumn).OfType<string>().Distinct().ToList();
        var sets = columns.Select((c, i) => $"\"{c.CiphertextColumn}\" = ${i + 1}")
            .Concat(keyIdColumns.Select(k => $"\"{k}\" = ${columns.Count + 1}"));
        var update = $"UPDATE \"{table}\" SET {string.Join(", ", sets)} WHERE \"{id}\" = ${columns.Count + (keyIdColumns.Count > 0 ? 2 : 1)}";

        await using (var probe = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            if (!await SecretKeyUsage.TableExistsAsync(probe, null, table, cancellationToken))
            {
                return done;
            }
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var rows = new List<(object Id, byte[]?[] Values, bool[] Stale)>();
            await using (var read = new NpgsqlCommand(select, connection, transaction))
            {
                read.Parameters.AddWithValue(currentBytes);
                read.Parameters.AddWithValue(batchSize);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var values = new byte[]?[columns.Count];
                    var staleFlags = new bool[columns.Count];
                    for (var i = 0; i < columns.Count; i++)
                    {
                        values[i] = reader.IsDBNull(1 + (2 * i)) ? null : reader.GetFieldValue<byte[]>(1 + (2 * i));
                        staleFlags[i] = !reader.IsDBNull(2 + (2 * i)) && reader.GetBoolean(2 + (2 * i));
                    }

                    rows.Add((reader.GetValue(0), values, staleFlags));
                }
            }

            if (rows.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return done;
            }

            var rotated = 0;
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (rowId, values, staleFlags) in rows)
            {
                var command = new NpgsqlBatchCommand(update);
                for (var i = 0; i < columns.Count; i++)
                {
                    var value = values[i];
                    if (value is not null && staleFlags[i])
                    {
                        value = Reencrypt(columns[i], rowId, value);
                        rotated++;
                    }

                    command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
                }

                if (keyIdColumns.Count > 0)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = protector.CurrentKeyId });
                }

                command.Parameters.Add(new NpgsqlParameter { Value = rowId });
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            done += rotated;
            progress?.Invoke(new RotationProgress(done, Math.Max(total, done), columns[0].Table));
        }
    }

    private byte[] Reencrypt(EncryptedColumn column, object id, byte[] ciphertext)
    {
        var purpose = column.Purpose(id);
        try
        {
            return protector.Protect(protector.Unprotect(ciphertext, purpose), purpose);
        }
        catch (SecretKeyException ex)
        {
            throw new SecretKeyException($"Cannot re-encrypt {column.Name} of row {id}: {ex.Message}", ex.Hint);
        }
    }

    private static string Describe(IEnumerable<KeyUsage> usage) => string.Join("; ", usage
        .GroupBy(u => u.KeyId)
        .Select(g => $"{g.Sum(u => u.Count)} secret(s) in {string.Join(", ", g.Select(u => u.Column))} (key {g.Key})"));

    private sealed class LockHolder(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection))
            {
                release.Parameters.AddWithValue(RotationLockKey);
                await release.ExecuteScalarAsync();
            }

            await connection.DisposeAsync();
        }
    }
}
