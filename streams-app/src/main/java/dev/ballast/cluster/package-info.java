/**
 * The Kafka cluster and Schema Registry as every part of Ballast reaches them, the app and the commands that watch
 * it alike: waiting until they answer ({@link dev.ballast.cluster.StartupChecks}, with a diagnosis of unreachable
 * brokers) and the serdes of Ballast's topics ({@link dev.ballast.cluster.BallastSerdes}).
 */
package dev.ballast.cluster;
