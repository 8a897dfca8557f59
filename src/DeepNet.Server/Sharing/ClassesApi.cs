using System.Security.Claims;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepNet.Server.Sharing;

/// <summary>
/// Classes: the creator is the instructor (sees the join code and the members, removes members, rotates the code);
/// classmates join with the code. Someone who is not in a class gets the same 404 as for an unknown class.
/// <see cref="ClassRoster"/> does the work; the handlers only map its answers.
/// </summary>
public static class ClassesApi
{
    public static IEndpointRouteBuilder MapClassesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/classes").WithTags("Classes");

        api.MapPost("/", CreateClass)
            .WithName("CreateClass")
            .WithSummary("Create a class; the caller becomes its instructor and gets its join code")
            .Produces<ClassDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        api.MapGet("/", ListClasses)
            .WithName("ListClasses")
            .WithSummary("The classes the caller is in (as instructor or member), newest first");

        api.MapGet("/{id:guid}", GetClass)
            .WithName("GetClass")
            .WithSummary("One class the caller is in; the instructor also gets the members")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/join", JoinClass)
            .RequireRateLimiting(RateLimits.Join)
            .WithName("JoinClass")
            .WithSummary("Join a class with its join code (case-insensitive); joining a class one is already in returns it unchanged")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/{id:guid}/members/{userId}", RemoveMember)
            .WithName("RemoveClassMember")
            .WithSummary("Remove a member from a class (instructor only); the member's models are no longer shared with it")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{id:guid}/leave", LeaveClass)
            .WithName("LeaveClass")
            .WithSummary("Leave a class (members; the instructor cannot leave); the caller's models are no longer shared with it")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{id:guid}/join-code", RotateJoinCode)
            .WithName("RotateClassJoinCode")
            .WithSummary("Give a class a new join code (instructor only); the old code stops working")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{id:guid}/models", ListClassModels)
            .WithName("ListClassModels")
            .WithSummary("Gallery cards of the models shared with a class, newest first (members only)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>Creates a class with a fresh join code; the caller is its instructor (and its first member).</summary>
    public static async Task<Results<Created<ClassDto>, ValidationProblem, ProblemHttpResult>> CreateClass(
        CreateClassRequest? request, [AsParameters] ClassParameters caller) =>
        (await caller.Classes.CreateAsync(request, caller.User.UserId(), caller.CancellationToken))
            .Map(dto => TypedResults.Created($"/api/classes/{dto.Id}", dto));

    /// <summary>The caller's classes, newest first.</summary>
    public static async Task<Ok<List<ClassDto>>> ListClasses([AsParameters] ClassParameters caller) =>
        TypedResults.Ok(await caller.Classes.ListAsync(caller.User.UserId(), caller.CancellationToken));

    /// <summary>One class the caller is in; <c>members</c> for the instructor.</summary>
    /// <param name="id">Class id.</param>
    /// <param name="caller">The caller and the service.</param>
    public static async Task<Results<Ok<ClassDto>, ProblemHttpResult>> GetClass(Guid id, [AsParameters] ClassParameters caller) =>
        OkOrRefused(await caller.Classes.GetAsync(id, caller.User.UserId(), caller.CancellationToken));

    /// <summary>Joins the class whose code this is; already a member → the class, unchanged.</summary>
    public static async Task<Results<Ok<ClassDto>, ValidationProblem, ProblemHttpResult>> JoinClass(
        JoinClassRequest? request, [AsParameters] ClassParameters caller) =>
        (await caller.Classes.JoinAsync(request, caller.User.UserId(), caller.CancellationToken)).Map(dto => TypedResults.Ok(dto));

    /// <summary>Removes a member (instructor only); the member's models shared with the class are unshared from it.</summary>
    /// <param name="id">Class id.</param>
    /// <param name="userId">The member's user id.</param>
    /// <param name="caller">The caller and the service.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(Guid id, string userId, [AsParameters] ClassParameters caller) =>
        await caller.Classes.RemoveMemberAsync(id, userId, caller.User.UserId(), caller.CancellationToken) is { } refused ? refused : TypedResults.NoContent();

    /// <summary>Leaves a class (members only); the caller's models shared with the class are unshared from it.</summary>
    /// <param name="id">Class id.</param>
    /// <param name="caller">The caller and the service.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> LeaveClass(Guid id, [AsParameters] ClassParameters caller) =>
        await caller.Classes.LeaveAsync(id, caller.User.UserId(), caller.CancellationToken) is { } refused ? refused : TypedResults.NoContent();

    /// <summary>Replaces the join code (instructor only) and returns the class with the new code.</summary>
    /// <param name="id">Class id.</param>
    /// <param name="caller">The caller and the service.</param>
    public static async Task<Results<Ok<ClassDto>, ProblemHttpResult>> RotateJoinCode(Guid id, [AsParameters] ClassParameters caller) =>
        OkOrRefused(await caller.Classes.RotateJoinCodeAsync(id, caller.User.UserId(), caller.CancellationToken));

    /// <summary>The models shared with a class, newest first, as gallery cards.</summary>
    /// <param name="id">Class id.</param>
    /// <param name="caller">The caller and the service.</param>
    public static async Task<Results<Ok<List<GalleryCardDto>>, ProblemHttpResult>> ListClassModels(Guid id, [AsParameters] ClassParameters caller) =>
        OkOrRefused(await caller.Classes.ModelsAsync(id, caller.User.UserId(), caller.CancellationToken));

    /// <summary>200 with the value, or the refusal (these services never answer a 400).</summary>
    private static Results<Ok<T>, ProblemHttpResult> OkOrRefused<T>(Outcome<T> outcome) =>
        outcome.Refused is { } refused ? refused : TypedResults.Ok(outcome.Value!);
}

/// <summary>What the class handlers bind besides the class, the member and the request: the caller and the service.</summary>
public sealed record ClassParameters(ClaimsPrincipal User, ClassRoster Classes, CancellationToken CancellationToken);
