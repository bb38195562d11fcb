namespace Maestro.Data.Secrets;

/// <summary>
/// Every stored secret, in one list: `maestro secrets status` counts them per key, `maestro secrets rotate` re-encrypts
/// them, and `maestro backup` records which keys a backup needs. A migration that adds an encrypted column adds its line
/// here (the test "Every_registered_column_decrypts_with_its_purpose" checks each line against what the stores write).
/// </summary>
public static class EncryptedColumns
{
    public static IReadOnlyList<EncryptedColumn> All { get; } =
    [
        new("auths", "id", "credentials", "auth:", KeyIdColumn: "key_id"),
        new("mcp_servers", "id", "secrets", "mcp:", KeyIdColumn: "key_id"),
        new("oauth_flows", "id", "secrets", "oauth_flow:", KeyIdColumn: "key_id"),
        // The value encrypted at first start to detect a wrong key (SecretKeyCheck); other maestro_meta rows are plain.
        new("maestro_meta", "key", "value", "maestro_meta:", Filter: "key = 'secret_key_check'"),
    ];
}
