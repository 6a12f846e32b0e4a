package io.baton.bench;

/**
 * How big the benchmark runs. {@link #full()} reads {@code -Dbench.*} properties over the defaults below; the smoke
 * test uses {@link #smoke()}.
 *
 * @param workers          worker threads per node (and Quartz threads of the raw-Quartz reference)
 * @param clients          concurrent clients that start tasks (and run the commit loop)
 * @param tasks            3-step tasks started for "started and finished per second"
 * @param chainTasks       tasks of the chained-steps figure
 * @param chainSteps       steps per chained task
 * @param waits            waits opened (and resumed) at the small scale
 * @param bigWaits         waiting tasks the large scale holds
 * @param rate             resumes per second offered
 * @param resumeSeconds    how long resumes are offered at each scale
 * @param kills            SIGKILLs per failover figure
 * @param workMillis       how long the step killed mid-way runs
 * @param ingressSeconds   how long each ingress figure is measured
 * @param referenceSeconds how long the commit loop runs
 * @param callbackEvents   events sent to a local callback receiver
 * @param skip             parts not to run: {@code ingress}, {@code callbacks}, {@code large} (the large scale),
 *                         {@code failover}
 */
record Sizes(int workers, int clients, int tasks, int chainTasks, int chainSteps, int waits, int bigWaits, int rate,
             int resumeSeconds, int kills, long workMillis, int ingressSeconds, int referenceSeconds,
             int callbackEvents, java.util.Set<String> skip) {

    static Sizes full() {
        return new Sizes(
                Integer.getInteger("bench.workers", 8),
                Integer.getInteger("bench.clients", 16),
                Integer.getInteger("bench.tasks", 3000),
                Integer.getInteger("bench.chainTasks", 200),
                Integer.getInteger("bench.chainSteps", 50),
                Integer.getInteger("bench.waits", 1000),
                Integer.getInteger("bench.bigWaits", 1_000_000),
                Integer.getInteger("bench.rate", 100),
                Integer.getInteger("bench.resumeSeconds", 10),
                Integer.getInteger("bench.kills", 10),
                Long.getLong("bench.workMillis", 3000),
                Integer.getInteger("bench.ingressSeconds", 10),
                Integer.getInteger("bench.referenceSeconds", 10),
                Integer.getInteger("bench.callbackEvents", 5000),
                java.util.Set.of(System.getProperty("bench.skip", "").split(",")));
    }

    /** Tiny sizes: every figure once, in about a minute. */
    static Sizes smoke() {
        return new Sizes(4, 4, 60, 10, 10, 40, 2000, 40, 1, 1, 1500, 1, 1, 50, java.util.Set.of());
    }

    boolean runs(String part) {
        return !skip.contains(part);
    }
}
