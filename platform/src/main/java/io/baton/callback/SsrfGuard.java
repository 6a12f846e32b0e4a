package io.baton.callback;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether Baton may call an outbound URL (a callback endpoint), against server-side request forgery. Only
 * {@code http} and {@code https}, no credentials in the URL; the host is resolved once and every address it resolves to
 * must be public: none in {@link #DENIED} (private, loopback, link-local, shared, benchmark, multicast, reserved),
 * including IPv4 addresses carried inside IPv6 (IPv4-mapped, IPv4-compatible, NAT64 {@code 64:ff9b::/96}, 6to4
 * {@code 2002::/16}), unless the address is in the explicit allow-list (for local development and tests). The caller
 * connects to the addresses returned ({@link Target#addresses()}), so a second lookup cannot swap in another address.
 * The JDK's {@code isSiteLocalAddress()} is not used: it misses unique-local IPv6 and shared (CGNAT) space.
 */
public final class SsrfGuard {
    /** Blocks no outbound call may reach unless allow-listed. */
    public static final List<Cidr> DENIED = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8").stream().map(Cidr::parse).toList();

    private static final Cidr MAPPED = Cidr.parse("::ffff:0:0/96");
    private static final Cidr COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    /** Resolves a host name to all its addresses (the JDK resolver in production; a fixed table in tests). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A URL that passed, with the addresses its host resolved to: connect to these, not to a new lookup. */
    public record Target(URI url, String host, int port, List<InetAddress> addresses) {
    }

    private final List<Cidr> allowed;
    private final Resolver resolver;

    public SsrfGuard(List<Cidr> allowed, Resolver resolver) {
        this.allowed = List.copyOf(allowed);
        this.resolver = resolver;
    }

    public SsrfGuard(List<Cidr> allowed) {
        this(allowed, InetAddress::getAllByName);
    }

    /** The target of {@code url}, resolved and checked; {@link UnsafeTargetException} saying why not otherwise. */
    public Target check(URI url) {
        String host = checkShape(url);
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
        return new Target(url, host, port, resolve(host));
    }

    /** The URL's host, if the URL may be called at all (scheme, no credentials, a host); nothing is resolved. */
    public String checkShape(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UnsafeTargetException("only http and https URLs can be called, not '"
                    + (scheme.isEmpty() ? "(none)" : scheme) + "'");
        }
        if (url.getRawUserInfo() != null) {
            throw new UnsafeTargetException("the URL must not carry credentials (user:password@); put them in the "
                    + "endpoint's own authentication, or use the signature Baton sends");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new UnsafeTargetException("the URL has no host");
        }
        return host;
    }

    /** Resolves {@code host} once; its addresses if every one may be called, else {@link UnsafeTargetException}. */
    public List<InetAddress> resolve(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new UnsafeTargetException("host '" + host + "' does not resolve");
        }
        if (addresses.length == 0) {
            throw new UnsafeTargetException("host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            denial(address).ifPresent(reason -> {
                throw new UnsafeTargetException("host '" + host + "' resolves to " + address.getHostAddress()
                        + ", " + reason + "; only public addresses can be called (BATON_CALLBACK_ALLOW lists "
                        + "exceptions)");
            });
        }
        return Arrays.asList(addresses);
    }

    /** Why {@code address} may not be called, if it may not. */
    public Optional<String> denial(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (allowed.stream().anyMatch(block -> block.contains(bytes))) {
            return Optional.empty();
        }
        for (Cidr block : DENIED) {
            if (block.contains(bytes)) {
                return Optional.of("in the denied block " + block);
            }
        }
        Optional<byte[]> embedded = embeddedIpv4(address);
        if (embedded.isPresent()) {
            byte[] v4 = embedded.get();
            if (allowed.stream().anyMatch(block -> block.contains(v4))) {
                return Optional.empty();
            }
            for (Cidr block : DENIED) {
                if (block.contains(v4)) {
                    return Optional.of("which carries the IPv4 address " + (v4[0] & 0xff) + "." + (v4[1] & 0xff)
                            + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff) + " in the denied block " + block);
                }
            }
        }
        return Optional.empty();
    }

    /** The IPv4 address an IPv6 address carries: IPv4-mapped or -compatible, NAT64, or 6to4. */
    private static Optional<byte[]> embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return Optional.empty();
        }
        byte[] b = address.getAddress();
        if (MAPPED.contains(b) || COMPATIBLE.contains(b) || NAT64.contains(b)) {
            return Optional.of(Arrays.copyOfRange(b, 12, 16));
        }
        if (SIX_TO_FOUR.contains(b)) {
            return Optional.of(Arrays.copyOfRange(b, 2, 6));
        }
        return Optional.empty();
    }
}
