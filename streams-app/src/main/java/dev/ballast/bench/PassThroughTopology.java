package dev.ballast.bench;

import dev.ballast.schema.LabelledEvent;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The ceiling Ballast is compared with: a Kafka Streams app that reads the same events with the same serde,
 * counts them, and forwards the count every {@code reportEvery} events — as often as Ballast publishes a
 * snapshot, so both apps write about as much downstream and a reader follows both the same way — and at the last
 * event, {@code lastCount}, where Ballast's last snapshot falls (its warm-up's smaller batches put it off the
 * multiples of {@code reportEvery}).
 */
final class PassThroughTopology {

    private PassThroughTopology() {
    }

    static Topology build(String eventsTopic, String countsTopic, Serde<LabelledEvent> events, long reportEvery,
            long lastCount) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(eventsTopic, Consumed.with(Serdes.String(), events).withName("events"))
                .process(() -> new Counter(reportEvery, lastCount), Named.as("count"))
                .to(countsTopic, Produced.with(Serdes.String(), Serdes.Long()).withName("counts"));
        return builder.build();
    }

    private static final class Counter implements Processor<String, LabelledEvent, String, Long> {
        private final long reportEvery;
        private final long lastCount;
        private ProcessorContext<String, Long> context;
        private long count;

        Counter(long reportEvery, long lastCount) {
            this.reportEvery = reportEvery;
            this.lastCount = lastCount;
        }

        @Override
        public void init(ProcessorContext<String, Long> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, LabelledEvent> record) {
            count++;
            if (count % reportEvery == 0 || count == lastCount) {
                context.forward(record.withValue(count));
            }
        }
    }
}
