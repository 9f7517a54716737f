package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests of {@code k8s/} as Kubernetes reads them: every document parsed into the Kubernetes model (fabric8),
 * strictly (a misspelt or misplaced field, which the API server would drop or refuse, fails here), and checked
 * against the configuration the pods run ({@code conf/kubernetes.conf} over the defaults): selectors match the pod
 * labels, probes ask the management port for the paths it serves, ports are the ones the node binds, discovery
 * finds the pods by the label they have, and the grace period outlasts the node's coordinated shutdown.
 */
class K8sManifestsTest {
    private static final Path K8S = Path.of("../../k8s");
    private static final List<HasMetadata> RESOURCES = new ArrayList<>();
    private static Config conf;

    @BeforeAll
    static void parse() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<HasMetadata> docs = yaml.readerFor(HasMetadata.class).readValues(f.toFile())) {
                    while (docs.hasNext()) {
                        HasMetadata r = docs.next();
                        assertNotNull(r, f + ": an empty document");
                        List<String> unknown = new ArrayList<>();
                        unknownFields(r, r.getKind(), unknown, new IdentityHashMap<>());
                        assertEquals(List.of(), unknown, f + ": fields the Kubernetes model does not have");
                        RESOURCES.add(r);
                    }
                }
            }
        }
        // as the pods run: java -Dconfig.file=/app/conf/kubernetes.conf (environment variables unset here)
        conf = ChargePlaneNode.resolve(ConfigFactory.parseFile(new File("../../conf/kubernetes.conf")));
    }

    @Test
    void everyManifestParsesStrictlyAndTheSetIsComplete() {
        for (Class<?> kind : List.of(Deployment.class, Service.class, ConfigMap.class, Secret.class,
                ServiceAccount.class, Role.class, RoleBinding.class, PodDisruptionBudget.class,
                PersistentVolumeClaim.class)) {
            assertFalse(all(kind).isEmpty(), "k8s/ has a " + kind.getSimpleName());
        }
    }

    @Test
    void selectorsMatchThePodsLabels() {
        Deployment d = one(Deployment.class);
        Map<String, String> pod = d.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(pod.entrySet().containsAll(d.getSpec().getSelector().getMatchLabels().entrySet()),
                "the Deployment selects its own pods");
        for (Service s : all(Service.class)) {
            assertTrue(pod.entrySet().containsAll(s.getSpec().getSelector().entrySet()), s.getMetadata().getName());
        }
        PodDisruptionBudget pdb = one(PodDisruptionBudget.class);
        assertTrue(pod.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));
        int replicas = d.getSpec().getReplicas();
        int minAvailable = pdb.getSpec().getMinAvailable().getIntVal();
        assertTrue(minAvailable > replicas / 2 && minAvailable < replicas,
                "a drain keeps the majority the split-brain resolver needs, and can still proceed");
    }

    @Test
    void portsAndProbesAreTheOnesTheNodeServes() {
        Container c = container();
        assertEquals(conf.getInt("chargeplane.http.port"), port(c, "http"));
        assertEquals(conf.getInt("chargeplane.ocpp.port"), port(c, "ocpp"));
        assertEquals(conf.getInt("pekko.remote.artery.canonical.port"), port(c, "remoting"));
        assertEquals(conf.getInt("pekko.management.http.port"), port(c, "management"));
        assertEquals("0.0.0.0", conf.getString("chargeplane.http.host"), "the API and OCPP listen on the pod's IP");
        assertEquals("0.0.0.0", conf.getString("pekko.management.http.bind-hostname"));
        assertProbe(c.getReadinessProbe().getHttpGet(), conf.getString("pekko.management.health-checks.readiness-path"));
        assertProbe(c.getLivenessProbe().getHttpGet(), conf.getString("pekko.management.health-checks.liveness-path"));
        for (Service s : all(Service.class)) {
            s.getSpec().getPorts().forEach(p -> assertTrue(port(c, p.getTargetPort().getStrVal()) > 0,
                    s.getMetadata().getName() + " targets a port the container names"));
        }
        assertTrue(String.join(" ", c.getCommand()).contains("-Dconfig.file=/app/conf/kubernetes.conf"),
                "the pods run with conf/kubernetes.conf (the Dockerfile copies conf/ to /app/conf)");
    }

    @Test
    void discoveryFindsThePodsByTheirLabelAndNamedPort() {
        Deployment d = one(Deployment.class);
        ConfigMap cm = one(ConfigMap.class);
        Config bootstrap = conf.getConfig("pekko.management.cluster.bootstrap.contact-point-discovery");
        assertTrue(conf.getBoolean("chargeplane.cluster.bootstrap"));
        assertFalse(conf.getBoolean("chargeplane.cluster.join-self"));
        assertEquals("kubernetes-api", bootstrap.getString("discovery-method"));
        String serviceName = cm.getData().getOrDefault("CHARGEPLANE_SERVICE_NAME", bootstrap.getString("service-name"));
        String selector = String.format(conf.getString("pekko.discovery.kubernetes-api.pod-label-selector"),
                serviceName);
        String[] kv = selector.split("=");
        assertEquals(kv[1], d.getSpec().getTemplate().getMetadata().getLabels().get(kv[0]),
                "the pods carry the label discovery selects: " + selector);
        assertTrue(port(container(), bootstrap.getString("port-name")) > 0, "the contact point's port is named");
        int required = Integer.parseInt(cm.getData().get("REQUIRED_CONTACT_POINT_NR"));
        assertTrue(required > 1 && required <= d.getSpec().getReplicas());

        Role role = one(Role.class);
        assertTrue(role.getRules().stream().anyMatch(r -> r.getResources().contains("pods")
                && r.getVerbs().containsAll(List.of("get", "watch", "list"))), "the pods may list pods");
        RoleBinding binding = one(RoleBinding.class);
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        String account = d.getSpec().getTemplate().getSpec().getServiceAccountName();
        assertTrue(binding.getSubjects().stream().anyMatch(s -> s.getName().equals(account)));
        assertEquals(account, one(ServiceAccount.class).getMetadata().getName());
        assertTrue(container().getEnv().stream().anyMatch(e -> e.getName().equals("CHARGEPLANE_POD_IP")
                        && "status.podIP".equals(e.getValueFrom().getFieldRef().getFieldPath())),
                "conf/kubernetes.conf reads the pod's IP from CHARGEPLANE_POD_IP");
    }

    @Test
    void theGracePeriodOutlastsTheCoordinatedShutdown() {
        // CoordinatedShutdown's total: every phase's timeout (the default where a phase names none)
        Config cs = conf.getConfig("pekko.coordinated-shutdown");
        Duration fallback = cs.getDuration("default-phase-timeout");
        Duration total = Duration.ZERO;
        ConfigObject phases = cs.getObject("phases");
        for (String phase : phases.keySet()) {
            Config p = cs.getConfig("phases.\"" + phase + "\"");
            total = total.plus(p.hasPath("timeout") ? p.getDuration("timeout") : fallback);
        }
        long grace = one(Deployment.class).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertTrue(grace > total.toSeconds(), "grace " + grace + " s, coordinated shutdown up to " + total);
        assertTrue(cs.getBoolean("exit-jvm"), "the JVM exits once the shutdown ran");
        assertEquals("on", cs.getString("run-by-jvm-shutdown-hook"), "SIGTERM runs it");
    }

    private static void assertProbe(HTTPGetAction probe, String path) {
        assertEquals("/" + path, probe.getPath());
        assertEquals("management", probe.getPort().getStrVal());
    }

    private static Container container() {
        return one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static int port(Container c, String name) {
        return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElse(-1);
    }

    private static <T> List<T> all(Class<T> kind) {
        return RESOURCES.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    private static <T> T one(Class<T> kind) {
        List<T> found = all(kind);
        assertEquals(1, found.size(), kind.getSimpleName());
        return found.get(0);
    }

    /** Fields the model kept aside as additional properties (fabric8 parses leniently into those). */
    private static void unknownFields(Object o, String at, List<String> out, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Iterable<?> list) {
            list.forEach(e -> unknownFields(e, at + "[]", out, seen));
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, at + "." + k, out, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object v = m.invoke(o);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        out.add(at + ": " + extra.keySet());
                    }
                } else {
                    unknownFields(v, at + "." + m.getName().substring(3), out, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
