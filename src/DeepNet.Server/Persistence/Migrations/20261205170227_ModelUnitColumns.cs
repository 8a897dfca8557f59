using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DeepNet.Server.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ModelUnitColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The model's columns say what they hold for every kind (a CNN has no visible or hidden units).
            migrationBuilder.RenameColumn(
                name: "VisibleUnits",
                table: "TrainedModels",
                newName: "InputUnits");

            migrationBuilder.RenameColumn(
                name: "HiddenUnits",
                table: "TrainedModels",
                newName: "OutputUnits");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "InputUnits",
                table: "TrainedModels",
                newName: "VisibleUnits");

            migrationBuilder.RenameColumn(
                name: "OutputUnits",
                table: "TrainedModels",
                newName: "HiddenUnits");
        }
    }
}
