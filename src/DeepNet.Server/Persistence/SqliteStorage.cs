using Microsoft.Data.Sqlite;

namespace DeepNet.Server.Persistence;

/// <summary>Where the SQLite database lives: &lt;Storage:DataDirectory&gt;/deepnet.db, default ./data.</summary>
public sealed class SqliteStorage
{
    public const string DataDirectoryKey = "Storage:DataDirectory";
    public const string DatabaseFileName = "deepnet.db";

    public SqliteStorage(IConfiguration configuration)
    {
        DataDirectory = Path.GetFullPath(
            configuration[DataDirectoryKey] is { Length: > 0 } configured ? configured : "data");
        Directory.CreateDirectory(DataDirectory);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDirectory, DatabaseFileName),
            // Seconds a command waits on a locked database (SQLITE_BUSY) before failing.
            DefaultTimeout = 30,
        }.ToString();
    }

    public string DataDirectory { get; }

    public string ConnectionString { get; }
}
