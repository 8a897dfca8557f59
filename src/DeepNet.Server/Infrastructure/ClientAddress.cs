using System.Net;
using System.Net.Sockets;

namespace DeepNet.Server.Infrastructure;

/// <summary>Who is calling from where, as the key of the per-address limits (sign-in throttling, the Auth rate limit).</summary>
public static class ClientAddress
{
    /// <summary>
    /// The connection's address: IPv4 as it is, IPv6 by its /64 network (one subscriber gets a whole /64, so single
    /// addresses in it are free to rotate), "" when unknown. Forwarded headers are not read here: only a configured
    /// ForwardedHeaders middleware in front may set the connection's address.
    /// </summary>
    public static string Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Connection.RemoteIpAddress is not { } address)
        {
            return "";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        byte[] bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
