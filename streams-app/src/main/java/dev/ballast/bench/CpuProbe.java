package dev.ballast.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of this process and of its Kafka Streams threads. Throughput on a shared 2-core machine moves with
 * the neighbours and with the JIT; CPU time per event moves much less, so the bench reports both.
 */
final class CpuProbe {

    private CpuProbe() {
    }

    /** CPU time consumed so far by the stream threads of every Kafka Streams app in this process. */
    static long streamThreadNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            // The stream threads' producers run I/O threads named "kafka-producer-network-thread | ...-StreamThread-1-producer".
            if (info != null && info.getThreadName().contains("-StreamThread-")
                    && !info.getThreadName().startsWith("kafka-producer-network-thread")) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                total += Math.max(0, nanos);
            }
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
