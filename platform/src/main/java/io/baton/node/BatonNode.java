package io.baton.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.agent.Agent;
import io.baton.audit.AuditLog;
import io.baton.agent.AgentRegistry;
import io.baton.callback.CallbackRepository;
import io.baton.callback.CallbackSender;
import io.baton.callback.DeliveryRepository;
import io.baton.callback.Callbacks;
import io.baton.callback.Cidr;
import io.baton.callback.Outbox;
import io.baton.callback.ResumeUrlPlaceholder;
import io.baton.callback.SsrfGuard;
import io.baton.cluster.AgentPauses;
import io.baton.cluster.NodeDirectory;
import io.baton.cluster.StandbyWatch;
import io.baton.wait.WaitOverrides;
import io.baton.retention.RetentionJob;
import io.baton.config.ConfigException;
import io.baton.config.Setting;
import io.baton.config.BatonConfig;
import io.baton.event.EngineEvents;
import io.baton.event.EngineListener;
import io.baton.event.MetricsListener;
import io.baton.event.StateGauges;
import io.baton.task.TaskCensus;
import io.baton.execution.FaultInjector;
import io.baton.execution.FaultPoint;
import io.baton.execution.HaltingFaultInjector;
import io.baton.execution.Reconciler;
import io.baton.execution.TaskRunner;
import io.baton.json.JsonMappers;
import io.baton.persistence.Database;
import io.baton.persistence.EmbeddedDatabase;
import io.baton.persistence.Transactions;
import io.baton.wait.EventSource;
import io.baton.wait.TokenKey;
import io.baton.wait.TokenKeys;
import io.baton.secret.Resealer;
import io.baton.secret.SecretBox;
import io.baton.secret.SecretKeys;
import io.baton.secret.SecretUnavailableException;
import io.baton.wait.WaitRepository;
import io.baton.wait.WaitService;
import java.util.LinkedHashMap;
import java.util.Map;
import io.baton.quartz.ClusterSchedulerFactory;
import io.baton.dispatch.Dispatcher;
import io.baton.dispatch.PickupTimer;
import io.baton.execution.BacklogLimit;
import io.micrometer.core.instrument.Gauge;
import io.baton.task.ReadyQueue;
import io.baton.task.TaskRepository;
import io.baton.execution.TaskService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Baton node: its database (external, or the embedded one), the schema, its member of the Quartz cluster, the
 * task engine and the reconciler. Build one with {@link #builder(BatonConfig)}; {@link #close()} drains it.
 *
 * <pre>{@code
 * try (BatonNode node = BatonNode.builder(BatonConfig.fromEnv()).agent(myAgent).start()) {
 *     node.tasks().start("my-agent", input, "order-42");
 * }
 * }</pre>
 */
public final class BatonNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatonNode.class);
    private static final Duration HEALTH_QUERY_TIMEOUT = Duration.ofSeconds(2);

    private final BatonConfig config;
    private final EmbeddedDatabase embedded;
    private final Database database;
    private final Scheduler scheduler;
    private final Dispatcher dispatcher;
    private final BacklogLimit backlog;
    private final TaskRunner runner;
    private final Reconciler reconciler;
    private final TaskService tasks;
    private final AgentRegistry agents;
    private final WaitService waits;
    private final PrometheusMeterRegistry metrics;
    private final ObjectMapper json;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** How often a sender looks for due callbacks at most: an indexed query, so cheap enough to do often. */
    private static final Duration SENDER_POLL = Duration.ofMillis(100);
    private final Outbound outbound;

    /**
     * Outbound callbacks: the registry, this node's sender (none without a secret key: nothing to send), and the
     * retention job that prunes what they and the inbound side leave behind.
     */
    private record Outbound(Callbacks callbacks, CallbackSender sender, RetentionJob retention) {
    }

    /** What operators act through: paused agents, the nodes and their standby, waits by hand, the audit log. */
    public record Operations(AgentPauses agentPauses, NodeDirectory nodes, WaitOverrides waits, AuditLog audit) {
    }

    /** How often a node reads its standby flag: a drain takes effect within about this long. */
    private static final Duration STANDBY_CHECK = Duration.ofSeconds(1);
    private Operations operations;
    private StandbyWatch standbyWatch;
    private StateGauges gauges;
    private BatonNode(BatonConfig config, EmbeddedDatabase embedded, Database database, Scheduler scheduler,
                      Dispatcher dispatcher, BacklogLimit backlog, TaskRunner runner, Reconciler reconciler, TaskService tasks,
                      AgentRegistry agents, WaitService waits, Outbound outbound, PrometheusMeterRegistry metrics,
                      ObjectMapper json) {
        this.waits = waits;
        this.outbound = outbound;
        this.config = config;
        this.embedded = embedded;
        this.database = database;
        this.scheduler = scheduler;
        this.dispatcher = dispatcher;
        this.backlog = backlog;
        this.runner = runner;
        this.reconciler = reconciler;
        this.tasks = tasks;
        this.agents = agents;
        this.metrics = metrics;
        this.json = json;
    }

    public static Builder builder(BatonConfig config) {
        return new Builder(config);
    }

    /** A node without agents (it still serves the cluster: recovery, health). */
    public static BatonNode start(BatonConfig config) {
        return builder(config).start();
    }

    /** Collects what a node needs besides its configuration. */
    public static final class Builder {
        private final BatonConfig config;
        private final List<Agent> agents = new ArrayList<>();
        private final List<EngineListener> listeners = new ArrayList<>();
        private final List<EventSource> eventSources = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private FaultInjector faults;

        private Builder(BatonConfig config) {
            this.config = config;
        }

        public Builder agent(Agent agent) {
            agents.add(agent);
            return this;
        }

        public Builder agents(List<Agent> more) {
            agents.addAll(more);
            return this;
        }

        /** Registers an event source (in addition to those in {@code BATON_EVENT_SOURCES}). */
        public Builder eventSource(EventSource source) {
            eventSources.add(source);
            return this;
        }

        public Builder listener(EngineListener listener) {
            listeners.add(listener);
            return this;
        }

        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        /** Overrides the fault injector armed by {@code BATON_FAULT_POINT} (tests). */
        public Builder faultInjector(FaultInjector value) {
            faults = value;
            return this;
        }

        /**
         * Connects to (or starts) the database, migrates the schema and starts the scheduler and the reconciler.
         *
         * @throws io.baton.persistence.DatabaseUnavailableException when the database cannot be reached
         * @throws NodeStartException when anything else prevents the node from starting
         */
        public BatonNode start() {
            return BatonNode.start(this);
        }
    }

    private static BatonNode start(Builder builder) {
        BatonConfig config = builder.config;
        String nodeId = config.cluster().nodeId();
        AgentRegistry agents = new AgentRegistry(builder.agents);
        Map<String, EventSource> sources = eventSources(builder);
        FaultInjector faults = faultInjector(builder);
        EmbeddedDatabase embedded = null;
        Database database = null;
        TaskRunner runner = null;
        Dispatcher dispatcher = null;
        try {
            String url;
            String user;
            String password;
            if (config.database().externalUrl().isPresent()) {
                url = config.database().url();
                user = config.database().user();
                password = config.database().password();
            } else {
                embedded = EmbeddedDatabase.start(config.embeddedDataDir(),
                        config.dataDir().resolve(EmbeddedDatabase.PASSWORD_FILE), config.database().embeddedPort());
                url = embedded.jdbcUrl();
                user = EmbeddedDatabase.USER;
                password = embedded.password();
            }
            database = Database.connect(url, user, password, config.database().poolSize(), "baton-" + nodeId);
            database.migrate();

            ObjectMapper json = JsonMappers.create();
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            List<EngineListener> listeners = new ArrayList<>(builder.listeners);
            listeners.add(new MetricsListener(metrics));
            EngineEvents events = new EngineEvents(listeners, nodeId, builder.clock);
            TaskRepository repository = new TaskRepository(database.dataSource(), json,
                    config.execution().fenced());
            Scheduler scheduler = ClusterSchedulerFactory.create(config.cluster(), database.dataSource(),
                    config.quartzOverrides());
            BacklogLimit backlog = new BacklogLimit(config.execution().maxBacklog(),
                    config.execution().maxBacklogPerAgent(), builder.clock);
            Gauge.builder("baton.queue.lag", backlog, b -> b.queueLag().toNanos() / 1e9).baseUnit("seconds")
                    .description("How long the oldest due task has waited for a worker").register(metrics);
            Gauge.builder("baton.backlog", backlog, BacklogLimit::total).baseUnit("tasks")
                    .description("Tasks due and not yet claimed, cluster-wide").register(metrics);
            dispatcher = new Dispatcher(new ReadyQueue(database.dataSource(), repository), backlog, events,
                    builder.clock, nodeId, config.cluster().workerThreads(), config.execution().pollInterval(),
                    new PickupTimer(metrics));
            Transactions transactions = new Transactions(database.dataSource());
            Optional<TokenKey> tokenKey = TokenKeys.resolve(config);
            if (tokenKey.isEmpty()) {
                LOG.warn("No BATON_TOKEN_KEY: steps that wait for a resume token will fail on node {}", nodeId);
            }
            Optional<SecretBox> secrets = SecretKeys.resolve(config);
            if (secrets.isEmpty()) {
                LOG.warn("No BATON_SECRET_KEY: steps that open a wait demanding a signature will fail on node {}",
                        nodeId);
            }
            WaitRepository waitRepository = new WaitRepository(json);
            Outbox outbox = new Outbox(json);
            WaitService waits = new WaitService(transactions, waitRepository, repository, dispatcher,
                    new WaitService.Keys(tokenKey.orElse(null), secrets.orElse(null)), config.http().publicUrl(),
                    sources, events, outbox, builder.clock, json);
            resealSecrets(transactions, secrets, nodeId);
            runner = new TaskRunner(new TaskRunner.Wiring(repository, waitRepository, waits, transactions, dispatcher,
                    events, faults, outbox), agents, config.execution(), builder.clock, nodeId, json);
            Reconciler reconciler = new Reconciler(repository, dispatcher, dispatcher::isRunningHere,
                    config.execution(), builder.clock, nodeId, config.cluster().name());
            AuditLog audit = new AuditLog(json);
            NodeDirectory nodes = new NodeDirectory(transactions, audit, builder.clock, config.cluster().name());
            nodes.register(nodeId, version());
            TaskService tasks = new TaskService(repository, waitRepository, transactions, dispatcher, backlog, agents,
                    events, outbox, audit, builder.clock);
            dispatcher.standby(nodes.standbyOf(nodeId).orElse(false)); // a drained node restarts drained
            scheduler.start(); // first check-in: re-queues what this node's id left running before
            dispatcher.start(runner, waits, database);
            reconciler.start();
            LOG.info("Node {} started in cluster '{}' on {} with agents {}", nodeId, config.cluster().name(),
                    Database.withoutQuery(url), agents.all().stream().map(Agent::name).toList());
            SsrfGuard guard = new SsrfGuard(callbackAllow(config));
            CallbackSender sender = secrets.map(box -> new CallbackSender(transactions, new DeliveryRepository(),
                    guard, box, config.callbacks(), builder.clock, nodeId, SENDER_POLL.compareTo(config.execution()
                    .pollInterval()) < 0 ? SENDER_POLL : config.execution().pollInterval(),
                    metrics, new ResumeUrlPlaceholder(json, tokenKey.isPresent() ? waits::resumeUrl : null)))
                    .orElse(null);
            if (sender != null) {
                sender.start(database::openDedicated, database.dataSource());
            }
            RetentionJob retention = new RetentionJob(transactions, config.retention(), builder.clock, nodeId);
            retention.start();
            StandbyWatch standby = new StandbyWatch(nodes, nodeId, dispatcher::standby);
            standby.start(STANDBY_CHECK);
            BatonNode node = new BatonNode(config, embedded, database, scheduler, dispatcher, backlog, runner,
                    reconciler, tasks, agents, waits, new Outbound(new Callbacks(transactions,
                    new CallbackRepository(), guard, secrets.orElse(null), audit, builder.clock), sender, retention),
                    metrics, json);
            node.operations = new Operations(new AgentPauses(transactions, audit, builder.clock), nodes,
                    waits.overrides(audit), audit);
            node.standbyWatch = standby;
            node.gauges = new StateGauges(new TaskCensus(database.dataSource()), metrics, builder.clock);
            return node;
        } catch (SchedulerException e) {
            closeQuietly(dispatcher, runner, database, embedded);
            throw new NodeStartException("the scheduler did not start: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(dispatcher, runner, database, embedded);
            throw e;
        }
    }

    /** This build's version (from the jar's manifest), or {@code dev} when run from classes. */
    static String version() {
        String version = BatonNode.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /**
     * Every stored secret under the first key of {@code BATON_SECRET_KEY} (plain text from before sealing, or an older
     * key); the start stops if the database holds a secret under a key this node lacks.
     */
    private static void resealSecrets(Transactions transactions, Optional<SecretBox> secrets, String nodeId) {
        if (secrets.isEmpty()) {
            return;
        }
        try {
            int resealed = new Resealer(transactions, secrets.get()).resealAll(List.of(WaitRepository.SIGNING_SECRET,
                    CallbackRepository.SECRET, CallbackRepository.PREVIOUS_SECRET));
            if (resealed > 0) {
                LOG.info("Node {} sealed {} stored secret(s) under key '{}'", nodeId, resealed,
                        secrets.get().currentKeyId());
            }
        } catch (SecretUnavailableException e) {
            throw new NodeStartException(e.getMessage(), null);
        }
    }

    /** {@code BATON_CALLBACK_ALLOW}, parsed: a bad block stops the start (exit 2), like any bad setting. */
    private static List<Cidr> callbackAllow(BatonConfig config) {
        try {
            return config.callbacks().allow().stream().map(Cidr::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(Setting.CALLBACK_ALLOW.envName(), e.getMessage());
        }
    }

    /** The configured event sources and the builder's, checked: a bad one stops the start before anything runs. */
    private static Map<String, EventSource> eventSources(Builder builder) {
        List<EventSource> all = new ArrayList<>();
        builder.config.eventSources().forEach(setting -> all.add(EventSource.fromSetting(setting)));
        all.addAll(builder.eventSources);
        Map<String, EventSource> sources = new LinkedHashMap<>();
        for (EventSource source : all) {
            if (sources.putIfAbsent(source.name(), source) != null) {
                throw new NodeStartException("two event sources are named '" + source.name() + "'", null);
            }
        }
        return sources;
    }

    private static FaultInjector faultInjector(Builder builder) {
        if (builder.faults != null) {
            return builder.faults;
        }
        var setting = builder.config.execution().faultPoint();
        if (setting == null) {
            return FaultInjector.NONE;
        }
        if (setting.fenceOff()) {
            LOG.warn("FENCE OFF (BATON_FAULT_POINT=no-fence): checkpoints ignore the attempt and state; a broken build for the "
                    + "chaos suite's self-test, never for real work");
            return FaultInjector.NONE;
        }
        FaultPoint point = FaultPoint.fromSetting(setting);
        LOG.warn("Fault point ARMED: this node halts at {}{}", point.label(),
                setting.step() == null ? "" : " of step '" + setting.step() + "'");
        return new HaltingFaultInjector(point, setting.step(), builder.config.cluster().nodeId(), System.out);
    }

    private static void closeQuietly(Dispatcher dispatcher, TaskRunner runner, Database database,
                                     EmbeddedDatabase embedded) {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (database != null) {
            database.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    public String nodeId() {
        return config.cluster().nodeId();
    }

    public BatonConfig config() {
        return config;
    }

    public Database database() {
        return database;
    }

    /** Start, read and cancel tasks. */
    public TaskService tasks() {
        return tasks;
    }

    /** Waits: resume tokens, deliveries, events, heartbeats. */
    public WaitService waits() {
        return waits;
    }

    /** Outbound callback endpoints: register, list, rotate, disable. */
    public Callbacks callbacks() {
        return outbound.callbacks();
    }

    /** Whether this node is in standby (an operator drained it): it claims no work. */
    public boolean inStandby() {
        return dispatcher.inStandby();
    }

    /** Paused agents, nodes and standby, waits by hand, the audit log: what the admin API acts through. */
    public Operations operations() {
        return operations;
    }

    /** The retention job (it runs on its own; {@link RetentionJob#runOnce()} runs a round now). */
    public RetentionJob retention() {
        return outbound.retention();
    }

    /** The ready backlog as last measured, and the bound starts are held against. */
    public BacklogLimit backlog() {
        return backlog;
    }

    /** The agents this node runs. */
    public AgentRegistry agents() {
        return agents;
    }

    /** The node's JSON mapper. */
    public ObjectMapper json() {
        return json;
    }

    /** Metrics in the Prometheus text format. */
    public String scrapeMetrics() {
        gauges.refresh();
        return metrics.scrape();
    }

    /** The embedded database, when this node started one. */
    public Optional<EmbeddedDatabase> embeddedDatabase() {
        return Optional.ofNullable(embedded);
    }

    /** Runs one reconciliation pass now (operators and tests; it also runs on its own timer). */
    public int reconcileNow() {
        return reconciler.reconcileOnce();
    }

    public NodeHealth health() {
        boolean schedulerRunning;
        try {
            schedulerRunning = !closed.get() && scheduler.isStarted() && !scheduler.isInStandbyMode()
                    && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            schedulerRunning = false;
        }
        boolean reachable = !closed.get() && database.isReachable(HEALTH_QUERY_TIMEOUT);
        return new NodeHealth(nodeId(), reachable, true, schedulerRunning);
    }

    /**
     * Drains the node: the scheduler stops taking work, running firings get up to the configured shutdown grace,
     * then the scheduler, the pool and (if any) the embedded database stop. A firing still running after the grace
     * is recovered by another node. Safe to call more than once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Node {} draining (grace {}s)", nodeId(), config.shutdownGrace().toSeconds());
        reconciler.close();
        standbyWatch.close();
        outbound.retention().close();
        if (outbound.sender() != null) {
            outbound.sender().close(); // an attempt cut short is sent again, same webhook-id, when its lease ends
        }
        try {
            int abandoned = dispatcher.drain(config.shutdownGrace());
            if (abandoned > 0) {
                LOG.warn("Node {} stopping with {} task(s) still running; another node will recover them", nodeId(),
                        abandoned);
            }
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            LOG.warn("Node {} scheduler did not stop cleanly: {}", nodeId(), e.getMessage());
        } finally {
            closeQuietly(dispatcher, runner, database, embedded);
            LOG.info("Node {} stopped", nodeId());
        }
    }
}
