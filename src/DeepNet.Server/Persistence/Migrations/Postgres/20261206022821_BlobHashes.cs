using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DeepNet.Server.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class BlobHashes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PngHash",
                table: "UserImages",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BlobHash",
                table: "UserDatasets",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FileHash",
                table: "TrainedModels",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SizeBytes",
                table: "JobCheckpoints",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "StateHash",
                table: "JobCheckpoints",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PngHash",
                table: "UserImages");

            migrationBuilder.DropColumn(
                name: "BlobHash",
                table: "UserDatasets");

            migrationBuilder.DropColumn(
                name: "FileHash",
                table: "TrainedModels");

            migrationBuilder.DropColumn(
                name: "SizeBytes",
                table: "JobCheckpoints");

            migrationBuilder.DropColumn(
                name: "StateHash",
                table: "JobCheckpoints");
        }
    }
}
