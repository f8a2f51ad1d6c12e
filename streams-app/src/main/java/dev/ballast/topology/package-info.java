/**
 * Builds Ballast's Kafka Streams application from settings: the topology (a pure function of the configuration),
 * the Streams properties, the dead-letter handlers, the topics and the start-up check of saved models.
 */
package dev.ballast.topology;
