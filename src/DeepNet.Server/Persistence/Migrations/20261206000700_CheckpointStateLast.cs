using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DeepNet.Server.Persistence.Migrations
{
    /// <summary>
    /// Moves "JobCheckpoints"."State" to the end of the row (the model is unchanged: only the table's column order). A
    /// checkpoint is sized with zeroblob and written through an incremental blob handle; SQLite keeps a zeroblob unexpanded
    /// only when no column after it holds data, and otherwise allocates it twice over in memory while building the row.
    /// </summary>
    [DbContext(typeof(DeepNetDbContext))]
    [Migration("20261206000700_CheckpointStateLast")]
    public partial class CheckpointStateLast : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, "\"CompletedEpochs\", \"UpdatedAt\", \"State\"");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, "\"CompletedEpochs\", \"State\", \"UpdatedAt\"");

        /// <summary>The table again with its columns after the key in <paramref name="columns"/>' order, rows copied.</summary>
        private static void Rebuild(MigrationBuilder migrationBuilder, string columns)
        {
            var definitions = new Dictionary<string, string>
            {
                ["\"CompletedEpochs\""] = "\"CompletedEpochs\" INTEGER NOT NULL",
                ["\"State\""] = "\"State\" BLOB NOT NULL",
                ["\"UpdatedAt\""] = "\"UpdatedAt\" TEXT NOT NULL",
            };
            string columnDefinitions = string.Join(",\n    ", columns.Split(", ").Select(c => definitions[c]));
            migrationBuilder.Sql($"""
                CREATE TABLE "ef_temp_JobCheckpoints" (
                    "JobId" TEXT NOT NULL CONSTRAINT "PK_JobCheckpoints" PRIMARY KEY,
                    {columnDefinitions},
                    CONSTRAINT "FK_JobCheckpoints_Jobs_JobId" FOREIGN KEY ("JobId") REFERENCES "Jobs" ("Id") ON DELETE CASCADE
                );
                """);
            migrationBuilder.Sql($"""INSERT INTO "ef_temp_JobCheckpoints" ("JobId", {columns}) SELECT "JobId", {columns} FROM "JobCheckpoints";""");
            migrationBuilder.Sql("""DROP TABLE "JobCheckpoints";""");
            migrationBuilder.Sql("""ALTER TABLE "ef_temp_JobCheckpoints" RENAME TO "JobCheckpoints";""");
        }
    }
}
