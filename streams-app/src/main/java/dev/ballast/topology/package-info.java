/**
 * Builds Ballast's Kafka Streams application from settings: the topology (a pure function of the configuration),
 * the serdes, the Streams properties, the dead-letter handler for undecodable records, and the topics.
 */
package dev.ballast.topology;
