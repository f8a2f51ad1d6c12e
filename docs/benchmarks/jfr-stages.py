#!/usr/bin/env python3
"""Where the training app's CPU time goes, per stage of an event, from a flight recording.

  ./ballast bench --jfr training.jfr
  jfr print --json --stack-depth 64 --events jdk.ExecutionSample,jdk.NativeMethodSample training.jfr > samples.json
  python3 docs/benchmarks/jfr-stages.py samples.json

Each execution sample of a Kafka Streams thread is put in the first stage (in the order below) that any frame
of its stack belongs to, so time in the learner under ModelState.serialise counts as state, not as learning.
Samples of other threads (the broker, producer I/O threads, the bench itself) are totalled by thread.
Execution samples are threads running Java code; native-method samples are threads inside native code, which
for a stream thread means RocksDB (CPU), ND4J's gemm (CPU) or waiting on the network in poll (idle).
"""
import collections
import json
import sys

STAGES = [
    ("state: serialise the model state after each batch", ["dev.ballast.processor.ModelState.serialise"]),
    ("state: encode each journal entry", ["dev.ballast.processor.EventJournal.encode"]),
    ("state: store put/get and changelog", ["org.apache.kafka.streams.state.internals.", "org.rocksdb."]),
    ("emit: snapshots, metrics, alerts", ["dev.ballast.processor.OutputRecords.",
                                          "org.apache.kafka.streams.processor.internals.SinkNode."]),
    ("validate", ["dev.ballast.processor.EventValidator."]),
    ("learn: predict, metrics, weights, optimiser step", ["dev.ballast.training.", "dev.ballast.learning.",
                                                          "dev.ballast.evaluation.", "dev.ballast.weighting."]),
    ("convert Avro lists to float[]", ["dev.ballast.processor.EventJournal$Input.of"]),
    ("deserialise (Avro)", ["org.apache.kafka.streams.processor.internals.RecordDeserializer.",
                            "dev.ballast.serde.", "org.apache.avro."]),
    ("commit (transactions, offsets)", ["org.apache.kafka.streams.processor.internals.TaskManager.commit",
                                        "org.apache.kafka.clients.producer.internals.TransactionManager.",
                                        "org.apache.kafka.streams.processor.internals.StreamsProducer.commit"]),
    ("poll (consumer)", ["org.apache.kafka.clients.consumer."]),
    ("other Ballast processor", ["dev.ballast.processor."]),
    ("other Kafka Streams", ["org.apache.kafka.streams."]),
]


def frame_names(event):
    for frame in event["values"]["stackTrace"]["frames"]:
        method = frame["method"]
        yield method["type"]["name"].replace("/", ".") + "." + method["name"]


def stage_of(names):
    for stage, prefixes in STAGES:
        if any(name.startswith(prefix) for name in names for prefix in prefixes):
            return stage
    return "other (JDK, GC barriers, logging)"


def main(path):
    events = json.load(open(path))["recording"]["events"]
    stages = {"jdk.ExecutionSample": collections.Counter(), "jdk.NativeMethodSample": collections.Counter()}
    threads = collections.Counter()
    for event in events:
        thread = event["values"]["sampledThread"]["javaName"] or "?"
        if "StreamThread" in thread and not thread.startswith("kafka-producer-network-thread"):
            stages[event["type"]][stage_of(list(frame_names(event)))] += 1
        elif event["type"] == "jdk.ExecutionSample":
            if thread.startswith("kafka-producer-network-thread") and "StreamThread" in thread:
                group = "the stream thread's producer I/O thread"
            elif thread.startswith(("data-plane", "kafka-", "broker", "controller", "raft", "ExpirationReaper")):
                group = "broker"
            else:
                group = thread.split("-")[0]
            threads[group] += 1
    for kind, counts in stages.items():
        total = sum(counts.values())
        print(f"Stream thread, {kind}: {total} samples")
        for stage, count in counts.most_common():
            print(f"  {100.0 * count / total:5.1f}%  {stage}")
    print(f"Other threads, jdk.ExecutionSample: {sum(threads.values())} samples")
    for group, count in threads.most_common(8):
        print(f"  {count:6d}  {group}")


if __name__ == "__main__":
    main(sys.argv[1])
