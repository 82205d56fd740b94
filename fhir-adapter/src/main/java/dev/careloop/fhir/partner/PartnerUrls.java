package dev.careloop.fhir.partner;

import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether CareLoop may call a partner's URL (its FHIR base or its OAuth2 token endpoint): https unless plain
 * http is allowed, a host on the allowlist when there is one, and, unless private networks are allowed, a host
 * whose every address is public. Checked when a partner is registered and again before every request, since
 * what a name resolves to can change after registration (DNS rebinding). The JVM caches a lookup (30 s by
 * default), so the request goes to the addresses just checked.
 */
@Component
public class PartnerUrls {

    /** Not on the public internet, beyond what {@link InetAddress} itself recognises. */
    private static final List<IpAddressMatcher> NOT_PUBLIC = List.of(
            "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "240.0.0.0/4",
            "fc00::/7", "64:ff9b::/96", "100::/64", "2001::/32", "2001:db8::/32", "2002::/16")
            .stream().map(IpAddressMatcher::new).toList();
    private static final int MAX_SHOWN = 80;

    private final PartnerNetworkSettings settings;

    public PartnerUrls(PartnerNetworkSettings settings) {
        this.settings = settings;
    }

    /** Why CareLoop may not call {@code url} (an absolute http(s) URL), or empty when it may. */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            return Optional.of("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && settings.allowHttp())) {
            return Optional.of("must be an https URL (plain http only with careloop.fhir.partners.allow-http)");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!settings.allowedHosts().isEmpty() && settings.allowedHosts().stream().noneMatch(allowHost(host))) {
            return Optional.of("names host '" + shown(host) + "', which is not among the allowed partner hosts "
                    + "(careloop.fhir.partners.allowed-hosts)");
        }
        if (settings.allowPrivateNetworks()) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return Optional.of("names host '" + shown(host) + "', which could not be resolved");
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                return Optional.of("names host '" + shown(host) + "', which is" + (host.equals(address.getHostAddress())
                        ? "" : " resolved to " + address.getHostAddress() + ",") + " not a public address "
                        + "(private, loopback, link-local and such networks need "
                        + "careloop.fhir.partners.allow-private-networks)");
            }
        }
        return Optional.empty();
    }

    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        if (address instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress()) {
            return false;
        }
        String literal = address.getHostAddress();
        int scope = literal.indexOf('%');
        String plain = scope < 0 ? literal : literal.substring(0, scope);
        return NOT_PUBLIC.stream().noneMatch(range -> range.matches(plain));
    }

    private static java.util.function.Predicate<String> allowHost(String host) {
        return allowed -> allowed.startsWith("*.") ? host.endsWith(allowed.substring(1)) : host.equals(allowed);
    }

    private static String shown(String host) {
        return host.length() <= MAX_SHOWN ? host : host.substring(0, MAX_SHOWN) + "...";
    }
}
