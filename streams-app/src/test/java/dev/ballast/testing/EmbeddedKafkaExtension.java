package dev.ballast.testing;

import dev.ballast.embedded.kafka.EmbeddedKafka;
import dev.ballast.registry.server.EmbeddedSchemaRegistry;
import dev.ballast.embedded.kafka.EmbeddedKafkaSettings;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link EmbeddedKafka} parameters; see {@link BrokerTest}. The shared broker starts on first use and
 * lives in JUnit's root store, which closes it once the last test of the run has finished: one broker start
 * per test JVM, however many classes use it.
 */
public final class EmbeddedKafkaExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == EmbeddedKafka.class || type == EmbeddedSchemaRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (parameterContext.getParameter().getType() == EmbeddedSchemaRegistry.class) {
            return extensionContext.getRoot().getStore(NAMESPACE)
                    .getOrComputeIfAbsent(ClosingRegistry.class,
                            key -> new ClosingRegistry(EmbeddedSchemaRegistry.start("127.0.0.1", 0, null)),
                            ClosingRegistry.class)
                    .registry;
        }
        if (parameterContext.isAnnotated(PrivateBroker.class)) {
            ClosingBroker privateBroker = new ClosingBroker(EmbeddedKafka.start(EmbeddedKafkaSettings.defaults()));
            extensionContext.getStore(NAMESPACE).put(privateBroker, privateBroker);
            return privateBroker.kafka;
        }
        return extensionContext.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(ClosingBroker.class,
                        key -> new ClosingBroker(EmbeddedKafka.start(EmbeddedKafkaSettings.defaults())),
                        ClosingBroker.class)
                .kafka;
    }

    /** Lets JUnit's store close the shared registry when the test run ends. */
    private record ClosingRegistry(EmbeddedSchemaRegistry registry) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            registry.close();
        }
    }

    /** Lets JUnit's store close a broker when the scope it was stored in ends. */
    private record ClosingBroker(EmbeddedKafka kafka) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            kafka.close();
        }
    }
}
