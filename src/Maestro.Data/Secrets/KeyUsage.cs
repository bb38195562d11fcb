namespace Maestro.Data.Secrets;

/// <summary>How many ciphertexts of one column name one key id.</summary>
public sealed record KeyUsage(string KeyId, string Column, long Count);
