/**
 * A real single-node Kafka cluster (KRaft, broker and controller in one) run inside the Ballast JVM, for
 * {@code ballast demo}, {@code ballast stack} and the integration tests: {@link
 * dev.ballast.embedded.kafka.EmbeddedKafka} and its {@link dev.ballast.embedded.kafka.EmbeddedKafkaSettings}.
 */
package dev.ballast.embedded.kafka;
