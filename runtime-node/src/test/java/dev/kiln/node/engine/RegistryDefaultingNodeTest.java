package dev.kiln.node.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.ImageRef;
import org.junit.jupiter.api.Test;

/** A joined node pulls references without a registry from its control plane. */
class RegistryDefaultingNodeTest {

  final RegistryDefaultingNode node = new RegistryDefaultingNode(null, "10.0.0.5:8080");

  @Test
  void aReferenceWithoutARegistryGoesToTheControlPlane() {
    ImageRef local =
        ImageRef.parseLocal(
            "hello:3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

    assertThat(node.qualify(local).toString()).isEqualTo("10.0.0.5:8080/" + local);
  }

  @Test
  void aReferenceThatNamesARegistryIsKept() {
    ImageRef elsewhere = ImageRef.parse("registry.example:5000/team/resize:7");

    assertThat(node.qualify(elsewhere)).isSameAs(elsewhere);
  }
}
