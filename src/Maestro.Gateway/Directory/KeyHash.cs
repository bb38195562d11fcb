using System.Buffers.Binary;

namespace Maestro.Gateway.Directory;

/// <summary>A SHA-256 key hash as a value, so presented keys are looked up without allocating.</summary>
internal readonly record struct KeyHash(ulong A, ulong B, ulong C, ulong D)
{
    public static KeyHash From(ReadOnlySpan<byte> hash) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(hash),
        BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]));

    public static KeyHash Of(ReadOnlySpan<char> secret)
    {
        Span<byte> hash = stackalloc byte[32];
        Keys.KeyMaterial.Hash(secret, hash);
        return From(hash);
    }
}
