package dev.walt.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The arithmetic of the bound that lets a create skip counting. */
class ActiveJobBoundTest {

  @Test
  void theBoundIsTheCountPlusWhatWasInFlightPlusEveryRowInsertedSince() {
    ActiveJobBound bound = new ActiveJobBound(10, 1_000);
    assertThat(bound.atMost(1_000, 16)).isEqualTo(26);
    assertThat(bound.atMost(1_005, 16)).isEqualTo(31);
    // the sequence never goes back; should it look so, nothing is subtracted
    assertThat(bound.atMost(900, 16)).isEqualTo(26);
  }

  @Test
  void aCreateMaySkipCountingOnlyWithRoomForEveryCreateInFlight() {
    ActiveJobBound bound = new ActiveJobBound(10, 1_000);
    // 10 counted + 16 in flight then + 4 inserted since + 16 not yet inserted = 46
    assertThat(bound.leavesRoom(1_004, 16, 46)).isTrue();
    assertThat(bound.leavesRoom(1_004, 16, 45)).isFalse();
    assertThat(bound.leavesRoom(1_005, 16, 46)).isFalse();
  }

  @Test
  void aSequenceThatWentBackLeavesNoRoom() {
    // a database restored under a running replica: the rows inserted since cannot be told
    ActiveJobBound bound = new ActiveJobBound(10, 1_000);
    assertThat(bound.leavesRoom(1_000, 16, 1_000_000)).isTrue();
    assertThat(bound.leavesRoom(999, 16, 1_000_000)).isFalse();
  }
}
