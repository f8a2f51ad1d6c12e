/**
 * {@link dev.ballast.registry.server.EmbeddedSchemaRegistry}: an in-process server for the subset of the Confluent
 * Schema Registry REST API that serializers, deserializers and operators use, with Avro compatibility checks and
 * optional durable storage. Meant for the demo, local stacks and tests; production uses a real registry.
 */
package dev.ballast.registry.server;
