using Microsoft.AspNetCore.Identity;

namespace DeepNet.Server.Persistence;

/// <summary>A student's account: Identity's user (the user name is the e-mail address) in the service's database.</summary>
public sealed class AppUser : IdentityUser
{
    public const int DisplayNameMaxLength = 64;

    /// <summary>The name everyone else sees (cards, gallery, classes, exported files); the e-mail is shown to its owner only.</summary>
    public string DisplayName { get; set; } = "";
}
