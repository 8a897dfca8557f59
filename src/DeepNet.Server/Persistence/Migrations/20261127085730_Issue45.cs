using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DeepNet.Server.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Issue45 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Architecture",
                table: "TrainedModels",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<float>(
                name: "TestError",
                table: "TrainedModels",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "ProgressLoss",
                table: "Jobs",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProgressPhase",
                table: "Jobs",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Experiments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Scale = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RowsJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Experiments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "JobStageEpochs",
                columns: table => new
                {
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Epoch = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    MetricsJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JobStageEpochs", x => new { x.JobId, x.Stage, x.Epoch });
                    table.ForeignKey(
                        name: "FK_JobStageEpochs_Jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "Jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_CreatedAt",
                table: "Experiments",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Experiments");

            migrationBuilder.DropTable(
                name: "JobStageEpochs");

            migrationBuilder.DropColumn(
                name: "Architecture",
                table: "TrainedModels");

            migrationBuilder.DropColumn(
                name: "TestError",
                table: "TrainedModels");

            migrationBuilder.DropColumn(
                name: "ProgressLoss",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "ProgressPhase",
                table: "Jobs");
        }
    }
}
