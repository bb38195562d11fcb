namespace Maestro.Data.Secrets;

/// <summary>Reported after every committed batch of a rotation.</summary>
/// <param name="Done">Ciphertexts re-encrypted so far by this run.</param>
/// <param name="Total">Ciphertexts under an older key when this run started (more appear if other processes write meanwhile).</param>
/// <param name="Column">The column the batch belonged to (table.column).</param>
public sealed record RotationProgress(long Done, long Total, string Column);
