/**
 * Ballast's settings: every {@code ballast.*} key declared once (name, type, default, validator, doc) in
 * {@link dev.ballast.config.BallastConfig}, loaded from a properties file plus {@code --set} overrides, and
 * failing fast with the key's name on a bad value. Keys that Kafka or the Schema Registry own keep their own
 * names ({@code bootstrap.servers}, {@code schema.registry.url}) and pass through untouched.
 */
package dev.ballast.config;
