/**
 * Client side of the Confluent Schema Registry REST API: {@link dev.ballast.registry.SchemaRegistryClient}, its
 * HTTP implementation {@link dev.ballast.registry.RestSchemaRegistryClient} (caching, bounded retries, basic auth)
 * and {@link dev.ballast.registry.SchemaRegistryException}, which carries the registry's HTTP status and error code.
 */
package dev.ballast.registry;
