using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Persistence;

/// <summary>
/// <see cref="DeepNetDbContext"/> on PostgreSQL: the same model, a type of its own only so that its migrations
/// (Persistence/Migrations/Postgres) are told apart from SQLite's, since EF picks a context's migrations by its type.
/// <see cref="DeepNetDbContextFactory"/> hands these out when <c>Database:Provider=postgres</c>.
/// </summary>
public sealed class PostgresDeepNetDbContext(DbContextOptions<PostgresDeepNetDbContext> options) : DeepNetDbContext(options);
