using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DeepNet.Server.Persistence;

/// <summary>Lets <c>dotnet ef</c> build the model without starting the application (and its worker).</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<DeepNetDbContext>
{
    public DeepNetDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<DeepNetDbContext>().UseSqlite("Data Source=deepnet.db").Options);
}
