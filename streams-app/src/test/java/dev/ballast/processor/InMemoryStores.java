package dev.ballast.processor;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The processor's stores in memory, and copies of them taken at a commit point, as exactly-once keeps them. */
final class InMemoryStores {

    private InMemoryStores() {
    }

    static KeyValueStore<String, byte[]> store(String name) {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    static KeyValueStore<String, byte[]> copy(KeyValueStore<String, byte[]> original) {
        KeyValueStore<String, byte[]> copy = store(original.name());
        try (KeyValueIterator<String, byte[]> all = original.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                copy.put(entry.key, entry.value.clone());
            }
        }
        return copy;
    }
}
