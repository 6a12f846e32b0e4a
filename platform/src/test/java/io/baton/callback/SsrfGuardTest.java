package io.baton.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SsrfGuardTest {
    /** A resolver with fixed answers: no DNS in the unit test, and a host can be made to resolve to anything. */
    private static SsrfGuard.Resolver table(Map<String, List<String>> hosts) {
        return host -> {
            List<String> found = hosts.get(host);
            if (found == null) {
                try {
                    return new InetAddress[] {InetAddress.getByName(host)}; // literals only
                } catch (UnknownHostException e) {
                    throw e;
                }
            }
            InetAddress[] addresses = new InetAddress[found.size()];
            for (int i = 0; i < addresses.length; i++) {
                addresses[i] = InetAddress.getByName(found.get(i));
            }
            return addresses;
        };
    }

    private final SsrfGuard guard = new SsrfGuard(List.of(), table(Map.of(
            "hooks.example.com", List.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"),
            "sneaky.example.com", List.of("127.0.0.1"),
            "half.example.com", List.of("93.184.216.34", "10.1.2.3"),
            "metadata.example.com", List.of("169.254.169.254"))));

    private static boolean denied(SsrfGuard guard, String address) throws UnknownHostException {
        return guard.denial(InetAddress.getByName(address)).isPresent();
    }

    @Test
    void theFirstAndLastAddressOfEveryDeniedBlockIsRefused() throws Exception {
        List<String> edges = List.of("0.0.0.0", "0.255.255.255", "10.0.0.0", "10.255.255.255", "100.64.0.0",
                "100.127.255.255", "127.0.0.0", "127.255.255.255", "169.254.0.0", "169.254.255.255", "172.16.0.0",
                "172.31.255.255", "192.0.0.0", "192.0.0.255", "192.168.0.0", "192.168.255.255", "198.18.0.0",
                "198.19.255.255", "224.0.0.0", "239.255.255.255", "240.0.0.0", "255.255.255.255",
                "::", "::1", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::",
                "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ff00::", "ff02::1",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        for (String address : edges) {
            assertThat(denied(guard, address)).as(address).isTrue();
        }
        assertThat(SsrfGuard.DENIED).hasSize(16);
    }

    @Test
    void addressesJustOutsideTheBlocksAndPublicOnesPass() throws Exception {
        for (String address : List.of("1.0.0.0", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
                "126.255.255.255", "128.0.0.0", "169.253.255.255", "172.15.255.255", "172.32.0.0", "192.0.1.0",
                "192.167.255.255", "198.17.255.255", "198.20.0.0", "223.255.255.255", "8.8.8.8",
                "2001:4860:4860::8888", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::1", "2002:808:808::1",
                "64:ff9b::808:808")) {
            assertThat(denied(guard, address)).as(address).isFalse();
        }
    }

    @Test
    void ipv4InsideIpv6IsJudgedByTheIpv4Address() throws Exception {
        assertThat(denied(guard, "::ffff:127.0.0.1")).isTrue();         // mapped (Java makes it IPv4)
        assertThat(denied(guard, "::127.0.0.1")).isTrue();              // compatible
        assertThat(denied(guard, "64:ff9b::a00:1")).isTrue();           // NAT64 of 10.0.0.1
        assertThat(denied(guard, "64:ff9b::7f00:1")).isTrue();          // NAT64 of 127.0.0.1
        assertThat(denied(guard, "2002:a9fe:a9fe::1")).isTrue();        // 6to4 of 169.254.169.254
        assertThat(denied(guard, "2002:c0a8:101::1")).isTrue();         // 6to4 of 192.168.1.1
        assertThat(guard.denial(InetAddress.getByName("64:ff9b::a00:1")).orElseThrow())
                .contains("10.0.0.1").contains("10.0.0.0/8");
    }

    @Test
    void aHostIsResolvedOnceAndEveryAddressMustBePublic() {
        SsrfGuard.Target target = guard.check(URI.create("https://hooks.example.com/baton?x=1"));
        assertThat(target.host()).isEqualTo("hooks.example.com");
        assertThat(target.port()).isEqualTo(443);
        assertThat(target.addresses()).extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946");
        assertThat(guard.check(URI.create("http://8.8.8.8:8080/x")).port()).isEqualTo(8080);

        assertThatThrownBy(() -> guard.check(URI.create("https://sneaky.example.com/hook?token=abc")))
                .isInstanceOf(UnsafeTargetException.class)
                .hasMessageContaining("resolves to 127.0.0.1").hasMessageNotContaining("token=abc");
        assertThatThrownBy(() -> guard.check(URI.create("https://half.example.com/")))
                .hasMessageContaining("10.1.2.3");
        assertThatThrownBy(() -> guard.check(URI.create("http://metadata.example.com/latest/meta-data/")))
                .hasMessageContaining("169.254.0.0/16");
        assertThatThrownBy(() -> guard.check(URI.create("http://[::ffff:7f00:1]/"))).hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> guard.check(URI.create("http://[fd12::1]/"))).hasMessageContaining("fc00::/7");
        assertThatThrownBy(() -> guard.check(URI.create("http://0x7f000001/")))
                .isInstanceOf(UnsafeTargetException.class);
    }

    @Test
    void theRealResolverSeesLocalhostAsLoopback() {
        assertThatThrownBy(() -> new SsrfGuard(List.of()).check(URI.create("http://localhost:8080/hook")))
                .isInstanceOf(UnsafeTargetException.class).hasMessageContaining("localhost");
    }

    @Test
    void onlyHttpAndHttpsWithoutCredentials() {
        for (String url : List.of("ftp://hooks.example.com/", "file:///etc/passwd", "gopher://hooks.example.com/",
                "jar:http://hooks.example.com/x.jar!/", "hooks.example.com/path")) {
            assertThatThrownBy(() -> guard.check(URI.create(url))).as(url)
                    .isInstanceOf(UnsafeTargetException.class).hasMessageContaining("only http and https");
        }
        assertThatThrownBy(() -> guard.check(URI.create("https://user:secret@hooks.example.com/")))
                .hasMessageContaining("credentials").hasMessageNotContaining("secret@");
        assertThatThrownBy(() -> guard.check(URI.create("https:///path"))).hasMessageContaining("no host");
    }

    @Test
    void theAllowListOpensExactlyItsBlocks() throws Exception {
        SsrfGuard local = new SsrfGuard(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("::1")),
                table(Map.of("sneaky.example.com", List.of("127.0.0.1"))));

        assertThat(local.check(URI.create("http://sneaky.example.com:9000/")).addresses())
                .extracting(InetAddress::getHostAddress).containsExactly("127.0.0.1");
        assertThat(denied(local, "::1")).isFalse();
        assertThat(denied(local, "::ffff:127.0.0.1")).isFalse();
        assertThat(denied(local, "127.0.0.2")).isTrue();
        assertThat(denied(local, "10.0.0.1")).isTrue();
    }

    @Test
    void blocksAreParsedStrictly() {
        assertThat(Cidr.parse("10.0.0.0/8").contains(new byte[] {10, 1, 2, 3})).isTrue();
        assertThat(Cidr.parse("100.64.0.0/10").contains(new byte[] {100, (byte) 128, 0, 0})).isFalse();
        for (String bad : List.of("", "10.0.0.0/33", "::/129", "10.0.0.0/x", "example.com/8", "10.0.0.0/-1")) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
