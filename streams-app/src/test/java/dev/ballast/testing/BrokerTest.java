package dev.ballast.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs a real Kafka broker. Its tests, constructors and lifecycle methods may declare
 * an {@link dev.ballast.embedded.kafka.EmbeddedKafka} parameter: the broker shared by every test of this JVM (and an
 * {@link dev.ballast.registry.server.EmbeddedSchemaRegistry} parameter: the registry shared likewise),
 * or, when the parameter is annotated {@link PrivateBroker}, one of its own. Tagged {@code broker}, so
 * {@code -DexcludedGroups=broker} skips them.
 *
 * <p>Tests sharing the broker must not step on each other: unique topic names
 * ({@link KafkaTestClient#uniqueName}) and application ids, and nothing that stops or reconfigures it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("broker")
@ExtendWith(EmbeddedKafkaExtension.class)
public @interface BrokerTest {
}
