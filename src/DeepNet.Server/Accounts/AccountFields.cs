namespace DeepNet.Server.Accounts;

/// <summary>The checks of the sign-up and sign-in fields that do not depend on whether the account exists.</summary>
public static class AccountFields
{
    /// <summary>The longest address SMTP can deliver to (RFC 5321: a 256-octet path less its angle brackets).</summary>
    public const int MaxEmailLength = 254;

    /// <summary>Adds "email" and "password" errors for a missing field or an address over <see cref="MaxEmailLength"/>.</summary>
    public static void Check(string email, string? password, IDictionary<string, string[]> errors)
    {
        if (email.Length == 0)
        {
            errors["email"] = ["is required."];
        }
        else if (email.Length > MaxEmailLength)
        {
            errors["email"] = [$"must be at most {MaxEmailLength} characters."];
        }

        if (string.IsNullOrEmpty(password))
        {
            errors["password"] = ["is required."];
        }
    }
}
