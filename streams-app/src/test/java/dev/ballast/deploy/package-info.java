/**
 * Tests of how Ballast is deployed: the files under {@code docker/} agree with each other and with the repository
 * (always run, no Docker needed), the whole app on Apache Kafka and Confluent Schema Registry containers (skipped
 * where Docker is absent), and scale-out of several instances sharing one {@code application.id}.
 */
package dev.ballast.deploy;
