/**
 * For services that score with Ballast's models: {@link dev.ballast.client.ModelSubscriber} follows the
 * compacted model-update topic and holds the newest version of each model (versions decide, not arrival order;
 * tombstones remove), and {@link dev.ballast.client.Predictor} scores dense or sparse inputs with one
 * {@link dev.ballast.schema.ModelSnapshot} in plain Java, exactly as the trainer does.
 *
 * <p>Depends on the Avro contract ({@code ballast-schemas}) and {@code kafka-clients} only: no Kafka Streams, no
 * ND4J.
 */
package dev.ballast.client;
