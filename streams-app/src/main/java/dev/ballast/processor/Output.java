package dev.ballast.processor;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * One typed output of a processor: records of type {@code V}, forwarded to the child node named {@link #child()},
 * which the topology declares under that name with {@code V}'s serde. A processor with several outputs routes each
 * record by name, so no node downstream sorts a mixed stream by class, and the compiler checks that only a {@code V}
 * goes to that child.
 *
 * @param child the name of the child node (the sink, or the first node of the branch) that takes this output
 * @param <V>   the type of the records sent to it
 */
public record Output<V extends SpecificRecord>(String child) {

    /** Forwards {@code record} to this output's child only. */
    public <K> void forward(ProcessorContext<K, ? super V> context, Record<K, V> record) {
        context.forward(record, child);
    }
}
