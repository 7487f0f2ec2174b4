package dev.walt.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Time-ordered ids (RFC 9562 version 7) and random bytes, never the same twice. */
class RandomIdsTest {

  @Test
  void timeOrderedUuidsCarryTheMillisecondVersion7AndTheIetfVariant() {
    long now = 1_796_000_000_123L; // 2026-11-30
    UUID id = RandomIds.timeOrderedUuid(now);
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(now);
    // the text form starts with the 48-bit time in hex: what PostgreSQL's uuid order compares first
    assertThat(id.toString().replace("-", "")).startsWith(String.format("%012x", now));
    assertThat(UUID.fromString(id.toString())).isEqualTo(id);
  }

  @Test
  void laterMillisecondsSortAfterEarlierOnesAsPostgresqlComparesThem() {
    List<String> texts = new ArrayList<>();
    Set<UUID> seen = new HashSet<>();
    long start = 1_796_000_000_000L;
    for (int ms = 0; ms < 2_000; ms++) {
      for (int i = 0; i < 5; i++) {
        UUID id = RandomIds.timeOrderedUuid(start + ms);
        seen.add(id);
        if (i == 0) {
          texts.add(id.toString()); // PostgreSQL compares uuids byte by byte: the order of their hex text
        }
      }
    }
    assertThat(seen).hasSize(10_000);
    assertThat(texts).isSorted();
  }

  @Test
  void idsOfTheSameMillisecondDifferInTheirRandomBits() {
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(RandomIds.timeOrderedUuid(1_796_000_000_000L));
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
