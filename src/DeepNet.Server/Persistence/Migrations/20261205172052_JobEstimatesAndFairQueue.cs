using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DeepNet.Server.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class JobEstimatesAndFairQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "EstimatedPeakMemoryBytes",
                table: "Jobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedRunSeconds",
                table: "Jobs",
                type: "REAL",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_OwnerId_StartedAt",
                table: "Jobs",
                columns: new[] { "OwnerId", "StartedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Jobs_OwnerId_StartedAt",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "EstimatedPeakMemoryBytes",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "EstimatedRunSeconds",
                table: "Jobs");
        }
    }
}
