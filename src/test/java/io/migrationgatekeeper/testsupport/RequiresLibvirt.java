package io.migrationgatekeeper.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test needs the native libvirt client (Debian {@code libvirt0}); with {@link #daemons()} also libvirtd,
 * QEMU and root for the two-daemon lab. Skipped with the reason where they are missing, except under
 * {@code CI=true}, where a skip would hide that the tests never ran: there it fails.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LibvirtCondition.class)
public @interface RequiresLibvirt {
    boolean daemons() default false;

    /** FUSE mounts with a filesystem subtype (bindfs, /dev/fuse): storage libvirt takes for glusterfs or quobyte. */
    boolean fuse() default false;
}
