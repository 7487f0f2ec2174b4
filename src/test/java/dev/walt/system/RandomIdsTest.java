package dev.walt.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Random ids: version 4 UUIDs, as UUID.randomUUID makes them, and never the same twice. */
class RandomIdsTest {

  @Test
  void uuidsAreRandomVersion4WithTheIetfVariant() {
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      UUID id = RandomIds.uuid();
      assertThat(id.version()).isEqualTo(4);
      assertThat(id.variant()).isEqualTo(2);
      assertThat(UUID.fromString(id.toString())).isEqualTo(id);
      seen.add(id);
    }
    assertThat(seen).hasSize(10_000);
  }

  @Test
  void bytesDifferBetweenCallsAndThreads() throws Exception {
    byte[] a = RandomIds.bytes(32);
    byte[] b = RandomIds.bytes(32);
    byte[][] other = new byte[1][];
    Thread t = new Thread(() -> other[0] = RandomIds.bytes(32));
    t.start();
    t.join();
    assertThat(a).hasSize(32).isNotEqualTo(b).isNotEqualTo(other[0]);
  }
}
