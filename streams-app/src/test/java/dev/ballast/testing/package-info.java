/**
 * Test support shared by Ballast's integration tests: a real broker per test JVM ({@link
 * dev.ballast.testing.BrokerTest}, {@link dev.ballast.testing.PrivateBroker}) and short-lived clients to
 * arrange and check topics ({@link dev.ballast.testing.KafkaTestClient}).
 */
package dev.ballast.testing;
