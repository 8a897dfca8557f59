using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DeepNet.Server.Accounts;
using DeepNet.Server.Sharing;
using DeepNet.Server.RbmFamily;

namespace DeepNet.Server.Tests.Sharing;

/// <summary>A signed-in test user: their client, Identity id and the display name others see.</summary>
public sealed record TestUser(string Email, string Id, HttpClient Client, TestApp App, string DisplayName);

/// <summary>Users, classes and stored models for the sharing tests.</summary>
public static class SharingTestKit
{
    /// <summary>
    /// Registers and signs in a new user with a unique address ("<paramref name="name"/>-…@example.com") whose display
    /// name is the address's local part ("<paramref name="name"/>-…").
    /// </summary>
    public static async Task<TestUser> NewUserAsync(this TestApp app, string name)
    {
        string displayName = $"{name}-{Guid.NewGuid():N}";
        string email = $"{displayName}@example.com";
        using (var anonymous = app.CreateAnonymousClient())
        {
            using var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = TestApp.Password, displayName });
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }

        var client = await app.CreateClientAsync(email);
        var me = await client.GetFromJsonAsync<MeDto>("/api/auth/me", TestApp.Json);
        Assert.NotNull(me);
        Assert.Equal((email, displayName), (me.Email, me.DisplayName));
        return new TestUser(email, me.Id, client, app, displayName);
    }

    public static async Task<ClassDto> CreateClassAsync(this TestUser user, string name = "Deep learning 101")
    {
        var response = await user.Client.PostAsJsonAsync("/api/classes", new { name }, TestApp.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ClassDto>(TestApp.Json))!;
    }

    public static async Task<ClassDto> JoinAsync(this TestUser user, string code)
    {
        var response = await user.Client.PostAsJsonAsync("/api/classes/join", new { code }, TestApp.Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ClassDto>(TestApp.Json))!;
    }

    public static async Task<ModelDto> SetVisibilityAsync(this TestUser user, Guid modelId, string visibility, params Guid[] classIds)
    {
        var response = await user.Client.PutAsJsonAsync($"/api/models/{modelId}/visibility", new { visibility, classIds }, TestApp.Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ModelDto>(TestApp.Json))!;
    }

    public static async Task<List<GalleryCardDto>> GalleryAsync(this TestUser user, string query)
    {
        var response = await user.Client.GetAsync($"/api/gallery?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<List<GalleryCardDto>>(TestApp.Json))!;
    }

    /// <summary>
    /// Stores a model row directly (no training: for tests where the weights do not matter). The file is a few
    /// placeholder bytes; the descriptive columns are what the gallery and the access rules read.
    /// </summary>
    public static async Task<Guid> InsertModelAsync(
        this TestApp app,
        TestUser owner,
        string name,
        string kind = RbmKinds.Rbm,
        DateTime? createdAt = null,
        float? reconstructionError = 0.05f,
        float? testError = null,
        string? evaluationsJson = null,
        string? architecture = null,
        string? description = null,
        DataSpec? data = null,
        Guid? jobId = null)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync();
        var model = new TrainedModel
        {
            Id = Guid.NewGuid(),
            Name = name,
            Kind = kind,
            JobId = jobId,
            OwnerId = owner.Id,
            CreatedAt = createdAt ?? DateTime.UtcNow,
            InputUnits = 256,
            OutputUnits = 16,
            ImageWidth = 16,
            ImageHeight = 16,
            DataSpecJson = JobMapper.ToJson(data ?? new DataSpec { ImageSize = 16 }),
            ReconstructionError = reconstructionError,
            TestError = testError,
            EvaluationsJson = evaluationsJson,
            Architecture = architecture,
            Description = description,
            FileHash = (await db.Blobs.WriteAsync(new byte[] { 1, 2, 3, 4 })).Hash,
            SizeBytes = 4,
        };
        db.TrainedModels.Add(model);
        await db.SaveChangesAsync();
        return model.Id;
    }

    /// <summary>Stores a finished job of <paramref name="owner"/> with one rendered image (no training).</summary>
    public static async Task<Guid> InsertJobWithImageAsync(this TestApp app, TestUser owner, string imageKind, byte[] png)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync();
        var job = new Job { Id = Guid.NewGuid(), Name = "stored", Kind = RbmKinds.Rbm, OwnerId = owner.Id, Status = JobStatus.Succeeded, CreatedAt = DateTime.UtcNow };
        db.Jobs.Add(job);
        db.JobImages.Add(new JobImage { JobId = job.Id, Kind = imageKind, Version = 1, Png = png, UpdatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return job.Id;
    }

    /// <summary>Asserts a 400 validation problem whose errors name exactly <paramref name="fields"/>.</summary>
    public static async Task AssertInvalidAsync(HttpResponseMessage response, params string[] fields)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 naming {string.Join(", ", fields)}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        var named = problem.RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal);
        Assert.Equal(fields.Order(StringComparer.Ordinal), named);
    }

    /// <summary>Asserts a ProblemDetails response of the given status and returns its detail.</summary>
    public static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
    }
}
