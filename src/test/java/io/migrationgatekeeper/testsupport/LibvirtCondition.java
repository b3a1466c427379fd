package io.migrationgatekeeper.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link RequiresLibvirt}. */
public final class LibvirtCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        var annotation = context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresLibvirt.class));
        boolean daemons = annotation.map(RequiresLibvirt::daemons).orElse(false);
        List<String> missing = missing(daemons);
        if (annotation.map(RequiresLibvirt::fuse).orElse(false)) {
            if (!exists("/usr/bin/bindfs")) {
                missing.add("bindfs (FUSE mounts with a subtype)");
            }
            if (!exists("/dev/fuse")) {
                missing.add("/dev/fuse (fuse3)");
            }
        }
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("libvirt is installed");
        }
        String reason = "needs " + String.join(", ", missing)
                + " (.ci/run installs the Debian packages: libvirt0 libvirt-daemon libvirt-daemon-driver-qemu"
                + " libvirt-clients qemu-system-x86 qemu-utils binutils bindfs fuse3)";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and these libvirt tests cannot run: " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    public static List<String> missing(boolean daemons) {
        List<String> missing = new ArrayList<>();
        if (!exists("/usr/lib/x86_64-linux-gnu/libvirt.so.0", "/usr/lib64/libvirt.so.0", "/usr/lib/libvirt.so.0",
                "/usr/lib/aarch64-linux-gnu/libvirt.so.0")) {
            missing.add("the libvirt client library (libvirt0)");
        }
        if (daemons) {
            if (!exists("/usr/sbin/libvirtd")) {
                missing.add("libvirtd (libvirt-daemon, libvirt-daemon-driver-qemu)");
            }
            if (!exists("/usr/bin/qemu-system-x86_64")) {
                missing.add("QEMU (qemu-system-x86)");
            }
            if (!exists("/usr/bin/qemu-img")) {
                missing.add("qemu-img (qemu-utils)");
            }
            if (!exists("/usr/bin/as") || !exists("/usr/bin/ld")) {
                missing.add("as and ld (binutils) for the lab's busy guest");
            }
            if (!exists("/usr/bin/setpriv")) {
                missing.add("setpriv (util-linux)");
            }
            if (!"root".equals(System.getProperty("user.name"))) {
                missing.add("root (the lab runs each libvirtd as user nobody)");
            }
        }
        return missing;
    }

    private static boolean exists(String... paths) {
        for (String path : paths) {
            if (Files.exists(Path.of(path))) {
                return true;
            }
        }
        return false;
    }
}
