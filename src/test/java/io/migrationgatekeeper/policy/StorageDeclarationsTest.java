package io.migrationgatekeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageDeclarationsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "/srv/gfs2/a.img        | /srv/gfs2/a.img",
            "//srv//gfs2/./a.img    | /srv/gfs2/a.img",
            "/srv/gfs2/x/../a.img   | /srv/gfs2/a.img",
            "/srv/gfs2/../../etc    | /etc",
            "/                      | /",
            "/srv/gfs2/             | /srv/gfs2",
            "/..                    | NONE",
            "/srv/../../a.img       | NONE",
            "srv/gfs2/a.img         | NONE",
            "./a.img                | NONE",
            "''                     | NONE"})
    void normalisesLexically(String path, String expected) {
        assertThat(StoragePath.parse(path).map(StoragePath::toString).orElse(null)).isEqualTo(expected);
    }

    @Test
    void prefixesCompareWholeComponents() {
        StoragePath gfs2 = StoragePath.parse("/srv/gfs2").orElseThrow();
        assertThat(StoragePath.parse("/srv/gfs2/a.img").orElseThrow().startsWith(gfs2)).isTrue();
        assertThat(StoragePath.parse("/srv/gfs2").orElseThrow().startsWith(gfs2)).isTrue();
        assertThat(StoragePath.parse("/srv/gfs2-local/a.img").orElseThrow().startsWith(gfs2)).isFalse();
        assertThat(StoragePath.parse("/srv").orElseThrow().startsWith(gfs2)).isFalse();
    }

    @Test
    void hostGlobs() {
        HostScope scope = HostScope.of(List.of("kvm-a*", "edge-?1"));
        assertThat(scope.appliesTo("kvm-a1")).isTrue();
        assertThat(scope.appliesTo("kvm-a")).isTrue();
        assertThat(scope.appliesTo("kvm-b1")).isFalse();
        assertThat(scope.appliesTo("edge-x1")).isTrue();
        assertThat(scope.appliesTo("edge-xx1")).isFalse();
        assertThat(scope.appliesTo(null)).isFalse();
        assertThat(HostScope.of(List.of("a.b")).appliesTo("aXb")).as("dots are literal").isFalse();
        assertThat(HostScope.of(null).appliesTo(null)).as("unscoped applies everywhere").isTrue();
    }

    @Test
    void filesystemTypesResolveToTheirClass() {
        assertThat(FilesystemDeclaration.of("/a", "GFS2", false, false, null).storageClass()).isEqualTo(StorageClass.CLUSTER);
        assertThat(FilesystemDeclaration.of("/a", "glusterfs", false, false, null).storageClass()).isEqualTo(StorageClass.CLUSTER);
        assertThat(FilesystemDeclaration.of("/a", "beegfs", false, false, null).storageClass()).isEqualTo(StorageClass.SHARED);
        assertThat(FilesystemDeclaration.of("/a", "nfs", false, true, null).storageClass()).isEqualTo(StorageClass.CLUSTER);
        FilesystemDeclaration moose = FilesystemDeclaration.of("/a/", "moosefs", true, false, null);
        assertThat(moose.storageClass()).isEqualTo(StorageClass.SHARED);
        assertThat(moose.libvirtRecognised()).isFalse();
        assertThat(moose.path()).isEqualTo("/a");
        assertThat(FilesystemDeclaration.of("/a", "gpfs", false, true, null).libvirtRecognised()).isTrue();
    }

    @Test
    void badDeclarationsNameTheirField() {
        assertThatThrownBy(() -> FilesystemDeclaration.of("/srv/moose", "moosefs", false, false, null))
                .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.field()).isEqualTo("type"))
                .hasMessageContaining("shared: true or cluster: true");
        assertThatThrownBy(() -> FilesystemDeclaration.of("srv/gfs2", "gfs2", false, false, null))
                .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.field()).isEqualTo("path"));
        assertThatThrownBy(() -> FilesystemDeclaration.of("/srv", "gfs2", false, false, List.of(" ")))
                .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.field()).isEqualTo("hosts"));
        assertThatThrownBy(() -> PoolDeclaration.of("p", StorageClass.OTHER, null))
                .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.field()).isEqualTo("storage"));
        assertThatThrownBy(() -> new Policy(Enforcement.ENFORCE, true, true, List.of(), false, true, List.of("carrier-pigeon"),
                List.of(), List.of()))
                .isInstanceOfSatisfying(InvalidPolicyException.class,
                        e -> assertThat(e.field()).isEqualTo("network-protocols"));
        assertThatThrownBy(() -> new Policy(Enforcement.ENFORCE, true, true, List.of(), false, true, List.of(),
                List.of(FilesystemDeclaration.of("/srv/a", "nfs", false, false, null),
                        FilesystemDeclaration.of("/srv/a/", "gfs2", false, false, null)), List.of()))
                .hasMessageContaining("'/srv/a'");
    }
}
