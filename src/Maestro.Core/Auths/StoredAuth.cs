namespace Maestro.Core.Auths;

/// <summary>An auth with its decrypted credentials, as read from storage for a provider call.</summary>
public sealed record StoredAuth(AuthRecord Record, AuthCredentials Credentials);
