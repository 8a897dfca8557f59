using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DeepNet.Server.Persistence;

/// <summary>
/// The service's store. The model is provider-neutral (no SQLite-only column types, enums as strings,
/// UTC DateTime) so PostgreSQL can take over later with its own migrations.
/// </summary>
public sealed class DeepNetDbContext(DbContextOptions<DeepNetDbContext> options) : DbContext(options)
{
    public const int NameMaxLength = 200;

    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<JobEpochMetric> JobEpochMetrics => Set<JobEpochMetric>();

    public DbSet<JobCheckpoint> JobCheckpoints => Set<JobCheckpoint>();

    public DbSet<JobImage> JobImages => Set<JobImage>();

    public DbSet<TrainedModel> TrainedModels => Set<TrainedModel>();

    public DbSet<JobEpochReport> JobEpochReports => Set<JobEpochReport>();

    public DbSet<JobEvaluation> JobEvaluations => Set<JobEvaluation>();

    public DbSet<UserDataset> UserDatasets => Set<UserDataset>();

    public DbSet<UserImage> UserImages => Set<UserImage>();

    public DbSet<JobStageEpoch> JobStageEpochs => Set<JobStageEpoch>();

    public DbSet<Experiment> Experiments => Set<Experiment>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Values are written as UTC; SQLite hands them back unspecified, so mark them UTC on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Job>(job =>
        {
            job.ToTable("Jobs");
            job.HasKey(j => j.Id);
            job.Property(j => j.Name).HasMaxLength(NameMaxLength).IsRequired();
            job.Property(j => j.Kind).HasMaxLength(32).IsRequired();
            job.Property(j => j.Status).HasConversion<string>().HasMaxLength(16).IsRequired();
            job.Property(j => j.Error).HasMaxLength(4000);
            job.Property(j => j.OptionsJson).IsRequired();
            job.Property(j => j.DataSpecJson).IsRequired();
            job.Property(j => j.Stage).HasMaxLength(16);
            job.Property(j => j.ProgressPhase).HasMaxLength(64);
            job.HasIndex(j => new { j.Status, j.CreatedAt });
            job.HasIndex(j => j.CreatedAt);
        });

        modelBuilder.Entity<JobEpochMetric>(metric =>
        {
            metric.ToTable("JobEpochMetrics");
            metric.HasKey(m => new { m.JobId, m.Epoch });
            metric.HasOne<Job>().WithMany().HasForeignKey(m => m.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<JobCheckpoint>(checkpoint =>
        {
            checkpoint.ToTable("JobCheckpoints");
            checkpoint.HasKey(c => c.JobId);
            checkpoint.Property(c => c.State).IsRequired();
            checkpoint.HasOne<Job>().WithOne().HasForeignKey<JobCheckpoint>(c => c.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<JobImage>(image =>
        {
            image.ToTable("JobImages");
            image.HasKey(i => new { i.JobId, i.Kind });
            image.Property(i => i.Kind).HasMaxLength(32);
            image.Property(i => i.Png).IsRequired();
            image.HasOne<Job>().WithMany().HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TrainedModel>(model =>
        {
            model.ToTable("TrainedModels");
            model.HasKey(m => m.Id);
            model.Property(m => m.Name).HasMaxLength(NameMaxLength).IsRequired();
            model.Property(m => m.Kind).HasMaxLength(32).IsRequired();
            model.Property(m => m.OptionsJson).IsRequired();
            model.Property(m => m.DataSpecJson).IsRequired();
            model.Property(m => m.MetricsJson).IsRequired();
            model.Property(m => m.File).IsRequired();
            model.Property(m => m.Architecture).HasMaxLength(NameMaxLength);
            model.HasIndex(m => m.CreatedAt);
            model.HasIndex(m => m.JobId);
        });

        modelBuilder.Entity<JobEpochReport>(report =>
        {
            report.ToTable("JobEpochReports");
            report.HasKey(r => new { r.JobId, r.Epoch });
            report.Property(r => r.ReportJson).IsRequired();
            report.HasOne<Job>().WithMany().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<JobEvaluation>(evaluation =>
        {
            evaluation.ToTable("JobEvaluations");
            evaluation.HasKey(e => e.Id);
            evaluation.Property(e => e.Kind).HasMaxLength(32).IsRequired();
            evaluation.Property(e => e.Json).IsRequired();
            evaluation.HasIndex(e => new { e.JobId, e.Kind }).IsUnique();
            evaluation.HasOne<Job>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<UserDataset>(dataset =>
        {
            dataset.ToTable("UserDatasets");
            dataset.HasKey(d => d.Id);
            dataset.Property(d => d.Name).HasMaxLength(NameMaxLength).IsRequired();
            dataset.Property(d => d.Kind).HasMaxLength(16).IsRequired();
            dataset.Property(d => d.Blob).IsRequired();
            dataset.HasIndex(d => d.CreatedAt);
        });

        modelBuilder.Entity<UserImage>(image =>
        {
            image.ToTable("UserImages");
            image.HasKey(i => i.Id);
            image.Property(i => i.Name).HasMaxLength(NameMaxLength).IsRequired();
            image.Property(i => i.Png).IsRequired();
            image.HasIndex(i => i.CreatedAt);
        });

        modelBuilder.Entity<JobStageEpoch>(epoch =>
        {
            epoch.ToTable("JobStageEpochs");
            epoch.HasKey(e => new { e.JobId, e.Stage, e.Epoch });
            epoch.Property(e => e.Stage).HasMaxLength(32);
            epoch.Property(e => e.MetricsJson).IsRequired();
            epoch.HasOne<Job>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Experiment>(experiment =>
        {
            experiment.ToTable("Experiments");
            experiment.HasKey(e => e.Id);
            experiment.Property(e => e.Kind).HasMaxLength(32).IsRequired();
            experiment.Property(e => e.Name).HasMaxLength(NameMaxLength).IsRequired();
            experiment.Property(e => e.Scale).HasMaxLength(16).IsRequired();
            experiment.Property(e => e.RowsJson).IsRequired();
            experiment.HasIndex(e => e.CreatedAt);
        });
    }

    internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
