/**
 * Kafka serdes for Avro records in the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro
 * binary), backed by a {@link dev.ballast.registry.SchemaRegistryClient}.
 *
 * <p>{@link dev.ballast.serde.AvroSerdes} builds them; {@link dev.ballast.serde.SerdeConfig} declares their settings
 * (Confluent's key names); {@link dev.ballast.serde.BadRecordException} is the one exception bad input bytes raise.
 */
package dev.ballast.serde;
