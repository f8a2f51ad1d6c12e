package dev.ballast.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On an {@link dev.ballast.embedded.kafka.EmbeddedKafka} parameter of a {@link BrokerTest}: a broker for this
 * test alone, on a temporary data directory, closed when the test (or, for a {@code @BeforeAll} or constructor
 * parameter, the class) ends. For tests that stop, restart or otherwise disturb the broker.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
public @interface PrivateBroker {
}
