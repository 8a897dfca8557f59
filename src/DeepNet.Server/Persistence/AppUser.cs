using Microsoft.AspNetCore.Identity;

namespace DeepNet.Server.Persistence;

/// <summary>A student's account: Identity's user (the user name is the e-mail address) in the service's database.</summary>
public sealed class AppUser : IdentityUser
{
}
