using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

/// <summary>Issue 12 point 4: the provider chosen by configuration, and what differs by provider (run on each in CI).</summary>
public sealed class DatabaseTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Fact]
    public void SqliteUnderTheDataDirectoryIsTheDefault()
    {
        string directory = TestApp.NewDataDirectory();
        try
        {
            var settings = Settings(new() { [SqliteStorage.DataDirectoryKey] = directory });
            Assert.Equal(DatabaseProvider.Sqlite, settings.Provider);
            Assert.Contains(Path.Combine(directory, SqliteStorage.DatabaseFileName), settings.ConnectionString, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void PostgresTakesTheNamedConnectionStringBeforeTheDatabaseSection()
    {
        string directory = TestApp.NewDataDirectory();
        try
        {
            var named = Settings(new()
            {
                [SqliteStorage.DataDirectoryKey] = directory,
                [DatabaseSettings.ProviderKey] = "PostgreSQL",
                ["ConnectionStrings:DeepNet"] = "Host=named;Database=deepnet;Password=secret",
                [DatabaseSettings.ConnectionStringKey] = "Host=section",
            });
            Assert.Equal(DatabaseProvider.Postgres, named.Provider);
            Assert.Equal("Host=named;Database=deepnet;Password=secret", named.ConnectionString);
            Assert.DoesNotContain("secret", named.Description, StringComparison.Ordinal);

            var section = Settings(new()
            {
                [SqliteStorage.DataDirectoryKey] = directory,
                [DatabaseSettings.ProviderKey] = "postgres",
                [DatabaseSettings.ConnectionStringKey] = "Host=section",
            });
            Assert.Equal("Host=section", section.ConnectionString);

            var missing = Assert.Throws<InvalidOperationException>(() => Settings(new()
            {
                [SqliteStorage.DataDirectoryKey] = directory,
                [DatabaseSettings.ProviderKey] = "postgres",
            }));
            Assert.Contains("ConnectionStrings:DeepNet", missing.Message, StringComparison.Ordinal);
            var unknown = Assert.Throws<InvalidOperationException>(() => Settings(new()
            {
                [SqliteStorage.DataDirectoryKey] = directory,
                [DatabaseSettings.ProviderKey] = "mysql",
            }));
            Assert.Contains("'mysql'", unknown.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void TheTestsRunOnTheProviderTheEnvironmentNames()
    {
        var settings = shared.App.Services.GetRequiredService<DatabaseSettings>();
        Assert.Equal(TestApp.OnPostgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, settings.Provider);
        using var scope = shared.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DeepNetDbContext>();
        Assert.Equal(TestApp.OnPostgres, db.Database.IsNpgsql());
        Assert.Empty(db.Database.GetPendingMigrations());
    }

    [Fact]
    public async Task AStoredModelFileReadsBackThroughSeeksAndOddReadsAcrossSlices()
    {
        var file = new byte[200_003];
        new Random(12).NextBytes(file);
        var id = Guid.NewGuid();
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            db.TrainedModels.Add(new TrainedModel
            {
                Id = id, Name = "stream", Kind = "rbm", OwnerId = await shared.App.UserIdAsync(), CreatedAt = DateTime.UtcNow,
                OptionsJson = "{}", DataSpecJson = "{}", MetricsJson = "{}", FileHash = (await db.Blobs.WriteAsync(file)).Hash, SizeBytes = file.Length,
            });
            await db.SaveChangesAsync();
        }

        await using (var db = await Contexts.CreateDbContextAsync())
        {
            Assert.Null(await db.OpenModelFileAsync(Guid.NewGuid(), CancellationToken.None));
            await using var stream = await db.OpenModelFileAsync(id, CancellationToken.None);
            Assert.NotNull(stream);
            Assert.True(stream.CanSeek);
            Assert.Equal(file.Length, stream.Length);

            // Reads of odd sizes, from the start to the end: every byte once, in order.
            var copy = new MemoryStream();
            var buffer = new byte[7_777];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                copy.Write(buffer, 0, read);
            }

            Assert.Equal(file, copy.ToArray());

            // Seeks back and across slice boundaries, synchronous and asynchronous reads.
            foreach (long at in new long[] { 65_530, 3, 199_990, 131_072, 0 })
            {
                stream.Position = at;
                var part = new byte[Math.Min(20, file.Length - (int)at)];
                if (at % 2 == 0)
                {
                    await stream.ReadExactlyAsync(part);
                }
                else
                {
                    stream.ReadExactly(part);
                }

                Assert.Equal(file.AsSpan((int)at, part.Length).ToArray(), part);
            }

            stream.Seek(0, SeekOrigin.End);
            Assert.Equal(0, await stream.ReadAsync(buffer));
        }
    }

    private IDbContextFactory<DeepNetDbContext> Contexts => shared.App.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>();

    private static DatabaseSettings Settings(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new DatabaseSettings(configuration, new SqliteStorage(configuration));
    }
}
