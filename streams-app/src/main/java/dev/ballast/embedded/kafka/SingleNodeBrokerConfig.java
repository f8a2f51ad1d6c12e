package dev.ballast.embedded.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker properties of a one-node KRaft cluster on a developer's machine. The keys are the public names
 * documented for {@code server.properties}, kept as one table to read like one.
 */
final class SingleNodeBrokerConfig {

    static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private SingleNodeBrokerConfig() {
    }

    /**
     * @return the properties for {@code kafka.server.KafkaConfig}, {@code overrides} applied last
     */
    static Map<String, String> properties(String host, int port, int controllerPort, Path dataDir,
                                          int defaultPartitions, Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>();

        // One process is broker and controller; a static one-voter quorum needs no dynamic-quorum bootstrap,
        // and since the voter's endpoint lives in this config, not on disk, a data dir can be reopened on
        // another controller port.
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        config.put("listeners", "PLAINTEXT://" + host + ":" + port + "," + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", dataDir.toAbsolutePath().toString());

        // Every replicated thing has exactly one replica; the defaults (3) would leave the internal topics of
        // groups and transactions uncreatable, and exactly-once would never start.
        config.put("num.partitions", Integer.toString(defaultPartitions));
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        // 5 rather than 50 partitions: the first group join and the first transactional producer each
        // create one of these topics, and 50 partitions on one node make that take seconds.
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.num.partitions", "5");

        // Topics are created on purpose, with their partition counts and cleanup policies; a typo in a topic
        // name must fail, not create an empty topic.
        config.put("auto.create.topics.enable", "false");
        // Nobody else is going to join: the first rebalance need not wait for more members.
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("group.streams.initial.rebalance.delay.ms", "0");
        // Lets a client on a laptop pick a session timeout of a few seconds, so a killed app's partitions
        // move on quickly; clients that do not ask keep their own defaults.
        config.put("group.min.session.timeout.ms", "1000");

        // A developer's data: 16 MiB segments so compaction and retention visibly act on small topics,
        // kept a week and at most 1 GiB a partition so a long-running `ballast stack` cannot fill the disk.
        config.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
        config.put("log.retention.hours", "168");
        config.put("log.retention.bytes", Long.toString(1024L * 1024 * 1024));
        // The cleaner allocates its dedupe buffer (128 MiB by default) when the broker starts, in the
        // application's heap; 8 MiB indexes ~350k keys per pass, plenty for compacted model snapshots.
        config.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));

        // One node on a small machine shares the JVM with the application: fewer request threads.
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "2");
        config.put("background.threads", "2");

        config.putAll(overrides);
        return config;
    }
}
