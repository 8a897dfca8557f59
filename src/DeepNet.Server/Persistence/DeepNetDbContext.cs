using DeepNet.Server.Persistence.Blobs;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DeepNet.Server.Persistence;

/// <summary>
/// The service's store. The model is provider-neutral (no provider-only column types, enums as strings, UTC DateTime),
/// so one model serves SQLite (this type, migrations in Persistence/Migrations) and PostgreSQL
/// (<see cref="PostgresDeepNetDbContext"/>, migrations in Persistence/Migrations/Postgres). Identity's tables live here too.
/// <para>
/// Query filters give each caller their view: with <see cref="Viewer"/> set (HTTP requests, hub invocations) queries
/// return only the caller's data sets, images and experiments, the models they may read (own, public, shared with a
/// class they are in) and the jobs they own or whose model they may read. Without it (the job worker, startup) they
/// return everything. Changing something is the owner's alone: callers check <c>OwnerId</c> explicitly.
/// </para>
/// </summary>
public class DeepNetDbContext : IdentityDbContext<AppUser>
{
    public DeepNetDbContext(DbContextOptions<DeepNetDbContext> options)
        : base(options)
    {
    }

    /// <summary>For a provider's subtype, which only gives its migrations their own context type.</summary>
    protected DeepNetDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public const int NameMaxLength = 200;

    /// <summary>A blob's SHA-256 as 64 hex digits (<see cref="IBlobStore"/>).</summary>
    public const int HashLength = 64;

    public const int DescriptionMaxLength = 4000;
    public const int UserIdMaxLength = 450;
    public const int WorkerIdMaxLength = 100;

    /// <summary>Whose view this context gives; null for the unrestricted view of the worker.</summary>
    public RequestUser? Viewer { get; set; }

    /// <summary>
    /// The blob store the rows' hashes name (set by the service's context factory): the database and its blobs are one
    /// storage, so whoever holds a context can read what its rows point to.
    /// </summary>
    public IBlobStore Blobs
    {
        get => _blobs ?? throw new InvalidOperationException("This context was made without a blob store; use the service's IDbContextFactory<DeepNetDbContext>.");
        set => _blobs = value;
    }

    private IBlobStore? _blobs;

    private bool Unrestricted => Viewer is null || !Viewer.IsRestricted;

    private string ViewerId => Viewer?.Id ?? "";

    public DbSet<Classroom> Classes => Set<Classroom>();

    public DbSet<ClassMember> ClassMembers => Set<ClassMember>();

    public DbSet<ModelClassShare> ModelClassShares => Set<ModelClassShare>();

    public DbSet<Assignment> Assignments => Set<Assignment>();

    public DbSet<AssignmentRun> AssignmentRuns => Set<AssignmentRun>();

    public DbSet<AssignmentSubmission> AssignmentSubmissions => Set<AssignmentSubmission>();

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
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<AppUser>(user => user.Property(u => u.DisplayName).HasMaxLength(AppUser.DisplayNameMaxLength).IsRequired());

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
            job.Property(j => j.LeaseOwner).HasMaxLength(WorkerIdMaxLength);
            job.HasIndex(j => new { j.Status, j.LeaseExpiresAt });
            job.HasIndex(j => new { j.Status, j.CreatedAt });
            job.HasIndex(j => j.CreatedAt);
            job.Property(j => j.OwnerId).HasMaxLength(UserIdMaxLength).IsRequired();
            job.HasIndex(j => new { j.OwnerId, j.CreatedAt });
            job.HasIndex(j => new { j.OwnerId, j.StartedAt });
            job.HasQueryFilter(j => Unrestricted || j.OwnerId == ViewerId || (j.ModelId != null && TrainedModels.Any(m => m.Id == j.ModelId)));
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
            checkpoint.Property(c => c.StateHash).HasMaxLength(HashLength).IsRequired();
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
            model.Property(m => m.FileHash).HasMaxLength(HashLength).IsRequired();
            model.Property(m => m.Architecture).HasMaxLength(NameMaxLength);
            model.HasIndex(m => m.CreatedAt);
            model.HasIndex(m => m.JobId);
            model.Property(m => m.OwnerId).HasMaxLength(UserIdMaxLength).IsRequired();
            model.Property(m => m.Visibility).HasConversion<string>().HasMaxLength(16).IsRequired();
            model.Property(m => m.ShareToken).HasMaxLength(64);
            model.Property(m => m.Description).HasMaxLength(DescriptionMaxLength);
            model.Property(m => m.Source).HasMaxLength(16).IsRequired();
            model.HasIndex(m => m.ShareToken).IsUnique();
            model.HasIndex(m => new { m.OwnerId, m.CreatedAt });
            model.HasIndex(m => new { m.Visibility, m.CreatedAt });
            model.HasQueryFilter(m => Unrestricted
                || m.OwnerId == ViewerId
                || m.Visibility == ModelVisibility.Public
                || (m.Visibility == ModelVisibility.Class && ModelClassShares.Any(s => s.ModelId == m.Id
                    && ClassMembers.Any(c => c.ClassId == s.ClassId && c.UserId == ViewerId))));
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
            dataset.Property(d => d.BlobHash).HasMaxLength(HashLength).IsRequired();
            dataset.HasIndex(d => d.CreatedAt);
            dataset.Property(d => d.OwnerId).HasMaxLength(UserIdMaxLength).IsRequired();
            dataset.HasIndex(d => d.OwnerId);
            dataset.HasQueryFilter(d => Unrestricted || d.OwnerId == ViewerId);
        });

        modelBuilder.Entity<UserImage>(image =>
        {
            image.ToTable("UserImages");
            image.HasKey(i => i.Id);
            image.Property(i => i.Name).HasMaxLength(NameMaxLength).IsRequired();
            image.Property(i => i.PngHash).HasMaxLength(HashLength).IsRequired();
            image.HasIndex(i => i.CreatedAt);
            image.Property(i => i.OwnerId).HasMaxLength(UserIdMaxLength).IsRequired();
            image.HasIndex(i => i.OwnerId);
            image.HasQueryFilter(i => Unrestricted || i.OwnerId == ViewerId);
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
            experiment.Property(e => e.OwnerId).HasMaxLength(UserIdMaxLength).IsRequired();
            experiment.HasIndex(e => e.OwnerId);
            experiment.HasQueryFilter(e => Unrestricted || e.OwnerId == ViewerId);
        });

        modelBuilder.Entity<Classroom>(classroom =>
        {
            classroom.ToTable("Classes");
            classroom.HasKey(c => c.Id);
            classroom.Property(c => c.Name).HasMaxLength(NameMaxLength).IsRequired();
            classroom.Property(c => c.JoinCode).HasMaxLength(16).IsRequired();
            classroom.HasIndex(c => c.JoinCode).IsUnique();
            classroom.Property(c => c.InstructorId).HasMaxLength(UserIdMaxLength).IsRequired();
            classroom.HasOne<AppUser>().WithMany().HasForeignKey(c => c.InstructorId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ClassMember>(member =>
        {
            member.ToTable("ClassMembers");
            member.HasKey(m => new { m.ClassId, m.UserId });
            member.Property(m => m.UserId).HasMaxLength(UserIdMaxLength);
            member.Property(m => m.Role).HasMaxLength(16).IsRequired();
            member.HasIndex(m => m.UserId);
            member.HasOne<Classroom>().WithMany().HasForeignKey(m => m.ClassId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne<AppUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ModelClassShare>(share =>
        {
            share.ToTable("ModelClassShares");
            share.HasKey(s => new { s.ModelId, s.ClassId });
            share.HasIndex(s => s.ClassId);
            share.HasOne<TrainedModel>().WithMany().HasForeignKey(s => s.ModelId).OnDelete(DeleteBehavior.Cascade);
            share.HasOne<Classroom>().WithMany().HasForeignKey(s => s.ClassId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Assignment>(assignment =>
        {
            assignment.ToTable("Assignments");
            assignment.HasKey(a => a.Id);
            assignment.Property(a => a.Title).HasMaxLength(NameMaxLength).IsRequired();
            assignment.Property(a => a.Instructions).HasMaxLength(AssignmentLimits.InstructionsMaxLength).IsRequired();
            assignment.Property(a => a.Template).HasMaxLength(32);
            assignment.Property(a => a.JobJson).IsRequired();
            assignment.Property(a => a.EditableFieldsJson).IsRequired();
            assignment.Property(a => a.MetricsJson).IsRequired();
            assignment.HasIndex(a => new { a.ClassId, a.DueAt });
            assignment.HasOne<Classroom>().WithMany().HasForeignKey(a => a.ClassId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AssignmentRun>(run =>
        {
            run.ToTable("AssignmentRuns");
            run.HasKey(r => r.JobId);
            run.Property(r => r.UserId).HasMaxLength(UserIdMaxLength).IsRequired();
            run.HasIndex(r => new { r.AssignmentId, r.UserId });
            run.HasOne<Assignment>().WithMany().HasForeignKey(r => r.AssignmentId).OnDelete(DeleteBehavior.Cascade);
            run.HasOne<Job>().WithMany().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AssignmentSubmission>(submission =>
        {
            submission.ToTable("AssignmentSubmissions");
            submission.HasKey(s => new { s.AssignmentId, s.UserId });
            submission.Property(s => s.UserId).HasMaxLength(UserIdMaxLength);
            submission.Property(s => s.Comment).HasMaxLength(AssignmentLimits.CommentMaxLength);
            submission.HasIndex(s => s.JobId);
            submission.HasOne<Assignment>().WithMany().HasForeignKey(s => s.AssignmentId).OnDelete(DeleteBehavior.Cascade);
            submission.HasOne<Job>().WithMany().HasForeignKey(s => s.JobId).OnDelete(DeleteBehavior.Cascade);
            submission.HasOne<AppUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
