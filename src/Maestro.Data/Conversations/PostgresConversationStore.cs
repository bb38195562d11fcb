using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Text;
using Maestro.Data.Batching;
using Microsoft.Extensions.AI;
using Npgsql;
using NpgsqlTypes;

namespace Maestro.Data.Conversations;

/// <summary>Threads and messages.</summary>
public sealed class PostgresConversationStore(MaestroDatabase database, TimeProvider time) : IConversationStore
{
    internal const string Columns = """
        id, thread_id, seq, role, content, status, turn_id, provider, model, auth_id, auth_label, usage,
        latency_ms, first_token_ms, error, excluded_at, summary_id, created_at, updated_at
        """;

    private GroupedRoundTrip<NewMessage, ConversationMessage>? _appends;
    private GroupedRoundTrip<PageRequest, Page>? _pages;

    // Made on first use: a field initializer cannot share the primary constructor's parameters with the methods.
    private GroupedRoundTrip<NewMessage, ConversationMessage> Appends =>
        LazyInitializer.EnsureInitialized(ref _appends, () => new(database, new MessageInserts(time)));

    private GroupedRoundTrip<PageRequest, Page> Pages => LazyInitializer.EnsureInitialized(ref _pages, () => new(database, new PageReads()));

    public async Task<ConversationThread> CreateThreadAsync(Guid sessionId, string? title, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "INSERT INTO threads (id, session_id, title, created_at) VALUES ($1, $2, $3, $4)", connection);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(sessionId);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)title ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(now);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new ConversationThread(id, sessionId, title, null, 0, now);
    }

    public async Task<IReadOnlyList<ConversationThread>> ListThreadsAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT t.id, t.session_id, coalesce(t.title, (SELECT left(m.content->0->>'text', 80) FROM messages m
                       WHERE m.thread_id = t.id AND m.role = 'user' ORDER BY m.seq LIMIT 1)),
                   t.forked_from_message_id, (SELECT count(*) FROM messages m WHERE m.thread_id = t.id), t.created_at
            FROM threads t WHERE t.session_id = $1 ORDER BY t.created_at DESC
            """, connection);
        command.Parameters.AddWithValue(sessionId);
        var result = new List<ConversationThread>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(ReadThread(reader));
        }

        return result;
    }

    public async Task<ConversationThread?> GetThreadAsync(Guid threadId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT t.id, t.session_id, t.title, t.forked_from_message_id, (SELECT count(*) FROM messages m WHERE m.thread_id = t.id), t.created_at FROM threads t WHERE t.id = $1",
            connection);
        command.Parameters.AddWithValue(threadId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadThread(reader) : null;
    }

    /// <summary>A page of a thread; the reads of turns starting a round together share one round trip.</summary>
    public async Task<IReadOnlyList<ConversationMessage>> ListMessagesAsync(Guid threadId, long? beforeSeq, int? limit, CancellationToken cancellationToken)
    {
        var page = await Pages.RunAsync(new PageRequest(threadId, beforeSeq, limit, null), cancellationToken);
        return page.Error is { } error ? throw error : page.Messages;
    }

    public async Task<IReadOnlyList<ConversationMessage>> ListMessagesAfterAsync(Guid threadId, long afterSeq, CancellationToken cancellationToken)
    {
        var page = await Pages.RunAsync(new PageRequest(threadId, null, null, afterSeq), cancellationToken);
        return page.Error is { } error ? throw error : page.Messages;
    }

    public async Task<ConversationMessage?> GetMessageAsync(Guid messageId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM messages WHERE id = $1", connection);
        command.Parameters.AddWithValue(messageId);
        return (await ReadMessagesAsync(command, cancellationToken)).FirstOrDefault();
    }

    /// <summary>Appends a message; the messages of turns starting a round together share one round trip and one commit.</summary>
    public Task<ConversationMessage> AppendAsync(NewMessage message, CancellationToken cancellationToken) => Appends.RunAsync(message, cancellationToken);

    public async Task UpdateMessageAsync(Guid messageId, MessageUpdate update, CancellationToken cancellationToken)
    {
        var sets = new List<string> { "updated_at = $2" };
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        command.Parameters.AddWithValue(messageId);
        command.Parameters.AddWithValue(time.GetUtcNow());
        if (update.Contents is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = SessionJson.SerializeContents(update.Contents), NpgsqlDbType = NpgsqlDbType.Jsonb });
            sets.Add($"content = ${command.Parameters.Count}");
            command.Parameters.AddWithValue(SearchText(update.Contents));
            sets.Add($"search = to_tsvector('simple', ${command.Parameters.Count})");
        }

        void Set(string column, object? value, NpgsqlDbType type)
        {
            if (value is not null)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
                sets.Add($"{column} = ${command.Parameters.Count}");
            }
        }

        Set("status", update.Status?.ToWire(), NpgsqlDbType.Text);
        Set("usage", SessionJson.SerializeUsage(update.Usage), NpgsqlDbType.Jsonb);
        Set("latency_ms", update.LatencyMs, NpgsqlDbType.Integer);
        Set("first_token_ms", update.FirstTokenMs, NpgsqlDbType.Integer);
        Set("error", StorableText.EscapeOrNull(update.Error), NpgsqlDbType.Text);
        command.CommandText = $"UPDATE messages SET {string.Join(", ", sets)} WHERE id = $1";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> ExcludeAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE messages SET excluded_at = $2, updated_at = $2 WHERE id = ANY($1) AND excluded_at IS NULL", connection);
        command.Parameters.AddWithValue(messageIds.ToArray());
        command.Parameters.AddWithValue(time.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SummarizeAsync(IReadOnlyCollection<Guid> messageIds, Guid summaryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE messages SET summary_id = $2, updated_at = $3 WHERE id = ANY($1)", connection);
        command.Parameters.AddWithValue(messageIds.ToArray());
        command.Parameters.AddWithValue(summaryId);
        command.Parameters.AddWithValue(time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> DeleteAfterAsync(Guid threadId, long seq, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM messages WHERE thread_id = $1 AND seq > $2", connection);
        command.Parameters.AddWithValue(threadId);
        command.Parameters.AddWithValue(seq);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ConversationThread> ForkAsync(Guid sessionId, Guid messageId, CancellationToken cancellationToken)
    {
        var source = await GetMessageAsync(messageId, cancellationToken) ?? throw new NotFoundException($"Message {messageId} does not exist.");
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            await CopyThreadAsync(connection, sessionId, messageId, source, id, now, cancellationToken);
        }

        // Read with a connection of its own, once the copying one is back in the pool.
        return (await GetThreadAsync(id, cancellationToken))!;
    }

    public async Task<ConversationThread> ImportThreadAsync(
        Guid sessionId, string? title, IReadOnlyList<Maestro.Core.Conversations.Transfer.ImportedMessage> messages, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var thread = new NpgsqlBatchCommand("INSERT INTO threads (id, session_id, title, created_at) VALUES ($1, $2, $3, $4)");
        thread.Parameters.AddWithValue(id);
        thread.Parameters.AddWithValue(sessionId);
        thread.Parameters.Add(Nullable(title, NpgsqlDbType.Text));
        thread.Parameters.AddWithValue(now);
        batch.BatchCommands.Add(thread);
        var seq = 0L;
        foreach (var m in messages)
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO messages (id, thread_id, seq, role, content, status, provider, model, auth_label, usage, latency_ms, first_token_ms, error,
                                      excluded_at, search, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, to_tsvector('simple', $15), $16, $16)
                """);
            insert.Parameters.AddWithValue(Guid.CreateVersion7());
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(++seq);
            insert.Parameters.AddWithValue(m.Role.ToWire());
            insert.Parameters.Add(new NpgsqlParameter { Value = SessionJson.SerializeContents(m.Contents), NpgsqlDbType = NpgsqlDbType.Jsonb });
            insert.Parameters.AddWithValue(m.Status.ToWire());
            insert.Parameters.Add(Nullable(m.Provider, NpgsqlDbType.Text));
            insert.Parameters.Add(Nullable(m.Model, NpgsqlDbType.Text));
            insert.Parameters.Add(Nullable(m.AuthLabel, NpgsqlDbType.Text));
            insert.Parameters.Add(Nullable(SessionJson.SerializeUsage(m.Usage), NpgsqlDbType.Jsonb));
            insert.Parameters.Add(Nullable(m.LatencyMs, NpgsqlDbType.Integer));
            insert.Parameters.Add(Nullable(m.FirstTokenMs, NpgsqlDbType.Integer));
            insert.Parameters.Add(Nullable(StorableText.EscapeOrNull(m.Error), NpgsqlDbType.Text));
            insert.Parameters.Add(Nullable(m.InContext ? null : now, NpgsqlDbType.TimestampTz));
            insert.Parameters.AddWithValue(SearchText(m.Contents));
            insert.Parameters.AddWithValue(m.CreatedAt);
            batch.BatchCommands.Add(insert);
        }

        var current = new NpgsqlBatchCommand("UPDATE sessions SET current_thread_id = $1, updated_at = $2 WHERE id = $3");
        current.Parameters.AddWithValue(id);
        current.Parameters.AddWithValue(now);
        current.Parameters.AddWithValue(sessionId);
        batch.BatchCommands.Add(current);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ConversationThread(id, sessionId, title, null, messages.Count, now);
    }

    private static async Task CopyThreadAsync(
        NpgsqlConnection connection, Guid sessionId, Guid messageId, ConversationMessage source, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var thread = new NpgsqlCommand("""
            INSERT INTO threads (id, session_id, title, forked_from_message_id, created_at)
            SELECT $1, $2, t.title, $3, $4 FROM threads t WHERE t.id = $5 AND t.session_id = $2
            """, connection, transaction))
        {
            thread.Parameters.AddWithValue(id);
            thread.Parameters.AddWithValue(sessionId);
            thread.Parameters.AddWithValue(messageId);
            thread.Parameters.AddWithValue(now);
            thread.Parameters.AddWithValue(source.ThreadId);
            if (await thread.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new NotFoundException("That message does not belong to this session.");
            }
        }

        // Copies (new ids) so the fork can diverge without touching the original thread. Messages still being
        // written are copied as they are now, marked interrupted. Compaction summaries are not carried over (their
        // ids would change); the fork starts with the full messages and compacts again if it needs to.
        await using (var copy = new NpgsqlCommand("""
            INSERT INTO messages (id, thread_id, seq, role, content, status, turn_id, provider, model, auth_id, auth_label, usage,
                                  latency_ms, first_token_ms, error, excluded_at, summary_id, search, created_at, updated_at)
            SELECT gen_random_uuid(), $1, seq, role, content, CASE WHEN status = 'streaming' THEN 'interrupted' ELSE status END,
                   turn_id, provider, model, auth_id, auth_label, usage, latency_ms, first_token_ms, error, excluded_at, NULL,
                   search, created_at, $4
            FROM messages WHERE thread_id = $2 AND seq <= $3 AND role <> 'summary'
            """, connection, transaction))
        {
            copy.Parameters.AddWithValue(id);
            copy.Parameters.AddWithValue(source.ThreadId);
            copy.Parameters.AddWithValue(source.Seq);
            copy.Parameters.AddWithValue(now);
            await copy.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ConversationMessage>> SearchAsync(Guid sessionId, string query, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT {string.Join(", ", Columns.Split(',').Select(c => "m." + c.Trim()))}
            FROM messages m JOIN threads t ON t.id = m.thread_id
            WHERE t.session_id = $1 AND m.search @@ websearch_to_tsquery('simple', $2)
            ORDER BY m.created_at DESC LIMIT $3
            """, connection);
        command.Parameters.AddWithValue(sessionId);
        command.Parameters.AddWithValue(query);
        command.Parameters.AddWithValue(limit);
        return await ReadMessagesAsync(command, cancellationToken);
    }

    public async Task<int> InterruptOrphansAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE messages m SET status = 'interrupted', updated_at = now()
            WHERE m.status = 'streaming'
              AND NOT EXISTS (SELECT 1 FROM turns t WHERE t.id = m.turn_id AND t.status = 'running')
            """, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>What full-text search indexes: the text, reasoning excluded, plus tool names and results.</summary>
    internal static string SearchText(IList<AIContent> contents)
    {
        var text = new System.Text.StringBuilder();
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text).Append(' ');
                    break;
                case FunctionCallContent call:
                    text.Append(call.Name).Append(' ');
                    break;
                case FunctionResultContent result when result.Result is string s:
                    text.Append(s.Length > 4000 ? s[..4000] : s).Append(' ');
                    break;
                default:
                    break;
            }
        }

        return StorableText.Escape(text.ToString());
    }

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    private static ConversationThread ReadThread(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetGuid(3), (int)reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5));

    private static async Task<List<ConversationMessage>> ReadMessagesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<ConversationMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(ReadMessage(reader));
        }

        return result;
    }

    /// <summary>The message at the reader's row, selected with <see cref="Columns"/>.</summary>
    internal static ConversationMessage ReadMessage(NpgsqlDataReader reader) => new ConversationMessage(
            Id: reader.GetGuid(0),
            ThreadId: reader.GetGuid(1),
            Seq: reader.GetInt64(2),
            Role: MessageNames.ParseRole(reader.GetString(3)),
            Contents: SessionJson.DeserializeContents(reader.GetString(4)),
            Status: MessageNames.ParseStatus(reader.GetString(5)),
            TurnId: reader.IsDBNull(6) ? null : reader.GetGuid(6),
            Provider: reader.IsDBNull(7) ? null : reader.GetString(7),
            Model: reader.IsDBNull(8) ? null : reader.GetString(8),
            AuthId: reader.IsDBNull(9) ? null : reader.GetGuid(9),
            AuthLabel: reader.IsDBNull(10) ? null : reader.GetString(10),
            Usage: SessionJson.DeserializeUsage(reader.IsDBNull(11) ? null : reader.GetString(11)),
            LatencyMs: reader.IsDBNull(12) ? null : reader.GetInt32(12),
            FirstTokenMs: reader.IsDBNull(13) ? null : reader.GetInt32(13),
            Error: reader.IsDBNull(14) ? null : reader.GetString(14),
            ExcludedAt: reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15),
            SummaryId: reader.IsDBNull(16) ? null : reader.GetGuid(16),
            CreatedAt: reader.GetFieldValue<DateTimeOffset>(17),
            UpdatedAt: reader.GetFieldValue<DateTimeOffset>(18));

    /// <summary>
    /// A message's insert, numbered after the thread's last one. Two messages of one thread in one batch are numbered in
    /// order: a later statement of the batch sees the earlier one's row.
    /// </summary>
    private sealed class MessageInserts(TimeProvider time) : IGroupedStatements<NewMessage, ConversationMessage>
    {
        public void Add(NpgsqlBatch batch, NewMessage message)
        {
            var command = new NpgsqlBatchCommand($"""
                INSERT INTO messages (id, thread_id, seq, role, content, status, turn_id, provider, model, auth_id, auth_label, search, created_at, updated_at)
                VALUES ($1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE thread_id = $2), $3, $4, $5, $6, $7, $8, $9, $10,
                        to_tsvector('simple', $11), $12, $12)
                RETURNING {Columns}
                """);
            command.Parameters.AddWithValue(message.Id ?? Guid.CreateVersion7());
            command.Parameters.AddWithValue(message.ThreadId);
            command.Parameters.AddWithValue(message.Role.ToWire());
            command.Parameters.Add(new NpgsqlParameter { Value = SessionJson.SerializeContents(message.Contents), NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.AddWithValue(message.Status.ToWire());
            command.Parameters.Add(Nullable(message.TurnId, NpgsqlDbType.Uuid));
            command.Parameters.Add(Nullable(message.Provider, NpgsqlDbType.Text));
            command.Parameters.Add(Nullable(message.Model, NpgsqlDbType.Text));
            command.Parameters.Add(Nullable(message.AuthId, NpgsqlDbType.Uuid));
            command.Parameters.Add(Nullable(message.AuthLabel, NpgsqlDbType.Text));
            command.Parameters.AddWithValue(SearchText(message.Contents));
            command.Parameters.AddWithValue(time.GetUtcNow());
            batch.BatchCommands.Add(command);
        }

        public Task<ConversationMessage> ReadAsync(NpgsqlDataReader reader, NewMessage message, CancellationToken cancellationToken) =>
            GroupedResults.SingleAsync(reader, ReadMessage, "message", cancellationToken);

        public Exception? Explain(PostgresException failure, NewMessage message) =>
            failure.SqlState == PostgresErrorCodes.ForeignKeyViolation
                ? new NotFoundException("The conversation thread no longer exists (the session was deleted).")
                : null;
    }

    /// <summary>A page before <see cref="BeforeSeq"/> (at most <see cref="Limit"/>), or everything after <see cref="AfterSeq"/>.</summary>
    private sealed record PageRequest(Guid ThreadId, long? BeforeSeq, int? Limit, long? AfterSeq);

    /// <summary>A page read, or why its rows could not be read (a broken row fails its own thread's read, not the batch).</summary>
    internal sealed record Page(List<ConversationMessage> Messages, Exception? Error);

    /// <summary>
    /// Newest first with a limit, then put back in order: the page of messages just before the given seq. Or, for a
    /// running turn catching up, the messages after a seq, in order.
    /// </summary>
    private sealed class PageReads : IGroupedStatements<PageRequest, Page>
    {
        public void Add(NpgsqlBatch batch, PageRequest page)
        {
            if (page.AfterSeq is { } after)
            {
                var newer = new NpgsqlBatchCommand($"SELECT {Columns} FROM messages WHERE thread_id = $1 AND seq > $2 ORDER BY seq");
                newer.Parameters.AddWithValue(page.ThreadId);
                newer.Parameters.AddWithValue(after);
                batch.BatchCommands.Add(newer);
                return;
            }

            var command = new NpgsqlBatchCommand($"""
                SELECT * FROM (
                    SELECT {Columns} FROM messages WHERE thread_id = $1 AND ($2::bigint IS NULL OR seq < $2)
                    ORDER BY seq DESC LIMIT $3) page
                ORDER BY seq
                """);
            command.Parameters.AddWithValue(page.ThreadId);
            command.Parameters.Add(Nullable(page.BeforeSeq, NpgsqlDbType.Bigint));
            command.Parameters.Add(Nullable(page.Limit, NpgsqlDbType.Integer));
            batch.BatchCommands.Add(command);
        }

        public Task<Page> ReadAsync(NpgsqlDataReader reader, PageRequest page, CancellationToken cancellationToken) =>
            ReadPageAsync(reader, cancellationToken);
    }

    /// <summary>One result of a batch, selected with <see cref="Columns"/>; the reader then stands at the next result.</summary>
    internal static async Task<Page> ReadPageAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var messages = new List<ConversationMessage>();
        Exception? error = null;
        try
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                messages.Add(ReadMessage(reader));
            }
        }
        catch (Exception ex) when (ex is not NpgsqlException)
        {
            error = ex;
        }

        await reader.NextResultAsync(cancellationToken);
        return new Page(messages, error);
    }
}
