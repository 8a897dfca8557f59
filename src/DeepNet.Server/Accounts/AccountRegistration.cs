using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Identity;

namespace DeepNet.Server.Accounts;

/// <summary>
/// Creates accounts so that the answer tells nothing about who has one: an address that is already taken gets the same
/// 200 as a new one (and nothing is created or changed); every 400 is about the request itself (a missing or over-long
/// address, a weak password, a refused display name), the same for a new and a taken address.
/// </summary>
public sealed class AccountRegistration(UserManager<AppUser> users)
{
    private static readonly HashSet<string> Duplicates = new(StringComparer.Ordinal)
    {
        nameof(IdentityErrorDescriber.DuplicateUserName),
        nameof(IdentityErrorDescriber.DuplicateEmail),
    };

    /// <summary>Registers <paramref name="request"/>'s address; true for a new or a taken address alike.</summary>
    public async Task<Outcome<bool>> RegisterAsync(SignUpRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string email = request?.Email?.Trim() ?? "";
        AccountFields.Check(email, request?.Password, errors);
        string? displayName = request?.DisplayName?.Trim();
        if (displayName is not null && DisplayNames.Problem(displayName) is { } nameProblem)
        {
            errors[DisplayNames.Field] = [nameProblem];
        }

        var user = new AppUser { UserName = email, Email = email, DisplayName = displayName ?? DisplayNames.Generate() };
        if (!string.IsNullOrEmpty(request?.Password))
        {
            foreach (var validator in users.PasswordValidators)
            {
                Add(errors, (await validator.ValidateAsync(users, user, request.Password)).Errors);
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "Invalid sign-up");
        }

        var created = await users.CreateAsync(user, request!.Password!);
        Add(errors, created.Errors.Where(e => !Duplicates.Contains(e.Code)));
        return errors.Count > 0 ? Problems.Invalid(errors, "Invalid sign-up") : true;
    }

    // Identity's codes stay the keys of password rules ("PasswordTooShort"); what concerns the address is keyed "email".
    private static void Add(Dictionary<string, string[]> errors, IEnumerable<IdentityError> found)
    {
        foreach (var error in found)
        {
            string key = error.Code.Contains("UserName", StringComparison.Ordinal) || error.Code.Contains("Email", StringComparison.Ordinal)
                ? "email"
                : error.Code;
            errors[key] = [.. errors.GetValueOrDefault(key, []), error.Description];
        }
    }
}
