namespace Maestro.Data.Backup;

/// <summary>Where a backup or a restore is: the table it works on and the rows done, of that table and in all.</summary>
/// <param name="TableFinished">The last report of this table.</param>
public sealed record BackupProgress(string Table, long TableDone, long TableRows, long Done, long Total, bool TableFinished = false);
