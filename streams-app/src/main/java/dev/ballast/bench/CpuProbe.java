package dev.ballast.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * CPU time of this process and of its Kafka Streams threads. Throughput on a shared 2-core machine moves with
 * the neighbours and with the JIT; CPU time per event moves much less, so the bench reports both.
 */
final class CpuProbe {

    private CpuProbe() {
    }

    /** The ids of the live stream threads of every Kafka Streams app in this process. */
    static long[] streamThreadIds() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                // Their producers' I/O threads are named "kafka-producer-network-thread | ...-StreamThread-1-producer".
                .filter(info -> info != null && info.getThreadName().contains("-StreamThread-")
                        && !info.getThreadName().startsWith("kafka-producer-network-thread"))
                .mapToLong(ThreadInfo::getThreadId)
                .toArray();
    }

    /** CPU time consumed so far by the calling thread. */
    static long currentThreadNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** CPU time consumed so far by the given threads (a thread that has ended counts 0). */
    static long threadNanos(long[] threadIds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long id : threadIds) {
            total += Math.max(0, threads.getThreadCpuTime(id));
        }
        return total;
    }

    /** CPU time consumed so far by the whole process (broker, registry and JIT included), or -1 if unknown. */
    static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
