package dev.ballast.registry;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Connection settings of a {@link RestSchemaRegistryClient}: where the registry is, how to authenticate, and how
 * hard to retry. Immutable; {@link #toString()} never shows the credentials.
 */
public final class RegistryClientConfig {

    /** Retries after the first attempt when {@link #withMaxRetries} is not called. */
    public static final int DEFAULT_MAX_RETRIES = 3;
    /** First back-off when {@link #withBackoff} is not called; it doubles on every retry. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    /** Longest back-off when {@link #withBackoff} is not called. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(2);
    /** Connect and response timeout of one attempt when {@link #withRequestTimeout} is not called. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final List<URI> urls;
    private final String basicAuthUserInfo;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration requestTimeout;

    private RegistryClientConfig(List<URI> urls, String basicAuthUserInfo, int maxRetries, Duration initialBackoff,
            Duration maxBackoff, Duration requestTimeout) {
        this.urls = urls;
        this.basicAuthUserInfo = basicAuthUserInfo;
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.requestTimeout = requestTimeout;
    }

    /**
     * Settings for the registry at {@code commaSeparatedUrls} (one or more {@code http://} or {@code https://}
     * base URLs, tried in turn when one cannot be reached), with default retries and no authentication.
     *
     * @throws IllegalArgumentException when the list is empty or a URL is not an absolute http(s) URL
     */
    public static RegistryClientConfig forUrls(String commaSeparatedUrls) {
        List<URI> parsed = Arrays.stream(commaSeparatedUrls.split(","))
                .map(String::trim)
                .filter(url -> !url.isEmpty())
                .map(RegistryClientConfig::parseUrl)
                .toList();
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("No Schema Registry URL given");
        }
        return new RegistryClientConfig(parsed, null, DEFAULT_MAX_RETRIES, DEFAULT_INITIAL_BACKOFF,
                DEFAULT_MAX_BACKOFF, DEFAULT_REQUEST_TIMEOUT);
    }

    private static URI parseUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid Schema Registry URL '" + url + "'", e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("Invalid Schema Registry URL '" + url + "': expected http(s)://host:port");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("Schema Registry URL must not carry credentials; use basic auth settings");
        }
        return uri;
    }

    /** The same settings with HTTP basic authentication as {@code user:password}. */
    public RegistryClientConfig withBasicAuth(String userInfo) {
        Objects.requireNonNull(userInfo, "userInfo");
        if (userInfo.indexOf(':') < 0) {
            throw new IllegalArgumentException("Basic auth user info must have the form user:password");
        }
        return new RegistryClientConfig(urls, userInfo, maxRetries, initialBackoff, maxBackoff, requestTimeout);
    }

    /** The same settings with at most {@code retries} retries after a 5xx answer or a connection failure. */
    public RegistryClientConfig withMaxRetries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("Retries must be >= 0, got " + retries);
        }
        return new RegistryClientConfig(urls, basicAuthUserInfo, retries, initialBackoff, maxBackoff, requestTimeout);
    }

    /** The same settings with exponential back-off from {@code initial} up to {@code max} between retries. */
    public RegistryClientConfig withBackoff(Duration initial, Duration max) {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("Back-off must satisfy 0 <= initial <= max");
        }
        return new RegistryClientConfig(urls, basicAuthUserInfo, maxRetries, initial, max, requestTimeout);
    }

    /** The same settings with {@code timeout} for connecting and for the answer of one attempt. */
    public RegistryClientConfig withRequestTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Request timeout must be positive");
        }
        return new RegistryClientConfig(urls, basicAuthUserInfo, maxRetries, initialBackoff, maxBackoff, timeout);
    }

    /** The registry's base URLs, in the order they are tried. */
    public List<URI> urls() {
        return urls;
    }

    Optional<String> basicAuthUserInfo() {
        return Optional.ofNullable(basicAuthUserInfo);
    }

    /** Retries after the first attempt. */
    public int maxRetries() {
        return maxRetries;
    }

    /** Back-off before the first retry. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Longest back-off between retries. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Connect and response timeout of one attempt. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    @Override
    public String toString() {
        return "RegistryClientConfig{urls=" + urls + ", basicAuth=" + (basicAuthUserInfo != null)
                + ", maxRetries=" + maxRetries + ", backoff=" + initialBackoff + ".." + maxBackoff
                + ", requestTimeout=" + requestTimeout + "}";
    }
}
