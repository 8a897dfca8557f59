using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Persistence;

/// <summary>
/// <see cref="DeepNetDbContext"/> on PostgreSQL, as its own type only so that its migrations (Persistence/Migrations/Postgres)
/// are told apart from SQLite's: EF picks a context's migrations by context type. The service's contexts are plain
/// <see cref="DeepNetDbContext"/>s on either provider; this type is used to migrate and at design time.
/// </summary>
public sealed class PostgresDeepNetDbContext(DbContextOptions<PostgresDeepNetDbContext> options) : DeepNetDbContext(options);
