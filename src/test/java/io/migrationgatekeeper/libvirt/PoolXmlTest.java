package io.migrationgatekeeper.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migrationgatekeeper.policy.DiscoveredPool;
import io.migrationgatekeeper.policy.StorageClass;
import org.junit.jupiter.api.Test;

/** Pool XML comes from hosts: read what classifies a pool, and nothing a hostile host could abuse. */
class PoolXmlTest {

    @Test
    void readsTypeNameSourceFormatAndTargetPathAsLibvirtWritesThem() {
        DiscoveredPool pool = PoolXml.parse("""
                <pool type='netfs'>
                  <name>gv0</name>
                  <uuid>bd699716-db28-40a8-843f-59f8b50552db</uuid>
                  <capacity unit='bytes'>107374182400</capacity>
                  <source>
                    <host name='gluster1'/>
                    <dir path='/gv0'/>
                    <format type='glusterfs'/>
                  </source>
                  <target>
                    <path>/mnt/gv0</path>
                    <permissions><mode>0755</mode></permissions>
                  </target>
                </pool>""");

        assertThat(pool).isEqualTo(new DiscoveredPool("gv0", "netfs", "glusterfs", "/mnt/gv0"));
        assertThat(pool.storageClass()).contains(StorageClass.CLUSTER);
    }

    @Test
    void poolsWithoutTargetOrFormatAreReadToo() {
        assertThat(PoolXml.parse("<pool type='rbd'><name>ceph</name><source><name>vms</name><host name='mon1'/>"
                + "</source></pool>")).isEqualTo(new DiscoveredPool("ceph", "rbd", null, null));
        // A <format> or <path> elsewhere (a volume's, a device's) is not the pool's.
        assertThat(PoolXml.parse("<pool type='dir'><name>d</name><source><device path='/dev/sdb'><format type='x'/>"
                + "</device></source><target><path>/var/d</path></target><x><path>/elsewhere</path></x></pool>"))
                .isEqualTo(new DiscoveredPool("d", "dir", null, "/var/d"));
    }

    @Test
    void dtdsEntitiesAndExternalResourcesAreRefused() {
        assertThatThrownBy(() -> PoolXml.parse("<?xml version='1.0'?><!DOCTYPE pool [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<pool type='dir'><name>&x;</name></pool>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PoolXml.parse("<pool type='dir'><name>&x;</name></pool>"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(PoolXml.parse("<pool type='dir'><name>a&lt;&amp;b</name></pool>").name())
                .as("predefined entities are characters").isEqualTo("a<&b");
    }

    @Test
    void malformedOversizedAndDeepXmlIsRefused() {
        assertThatThrownBy(() -> PoolXml.parse("<pool type='dir'><name>d</name>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PoolXml.parse("<volume type='file'><name>v</name></volume>"))
                .hasMessageContaining("not a pool XML");
        assertThatThrownBy(() -> PoolXml.parse("<pool><name>n</name></pool>")).hasMessageContaining("no type");
        assertThatThrownBy(() -> PoolXml.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> PoolXml.parse("<pool type='dir'><name>" + "x".repeat(PoolXml.MAX_CHARS) + "</name></pool>"))
                .hasMessageContaining("larger");
        assertThatThrownBy(() -> PoolXml.parse("<pool type='dir'>" + "<a>".repeat(100) + "</a>".repeat(100) + "</pool>"))
                .hasMessageContaining("deeper");
    }
}
