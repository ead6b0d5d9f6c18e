package io.infertune.runtime.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {
  private final List<String> events = new ArrayList<>();
  private final SseDecoder decoder = new SseDecoder((type, data) -> events.add(type + "|" + data));

  private void feed(String... lines) {
    for (String l : lines) {
      decoder.line(l);
    }
  }

  @Test
  void aBlankLineDispatchesTheDataLinesJoinedByNewlines() {
    feed("data: {\"a\":", "data: 1}", "", "data: [DONE]", "");
    assertThat(events).containsExactly("message|{\"a\":\n1}", "message|[DONE]");
  }

  @Test
  void commentsAndKeepAlivesAreIgnored() {
    feed(": ping", "", "data: x", ": ping in the middle", "", ":", "");
    assertThat(events).containsExactly("message|x");
  }

  @Test
  void theEventFieldNamesTheTypeOfItsEventOnly() {
    feed("event: error", "data: {\"error\":{}}", "", "data: next", "");
    assertThat(events).containsExactly("error|{\"error\":{}}", "message|next");
  }

  @Test
  void oneSpaceAfterTheColonIsDroppedAndNoMore() {
    feed("data:x", "", "data:  two", "", "data", "");
    assertThat(events).containsExactly("message|x", "message| two", "message|");
  }

  @Test
  void idRetryAndUnknownFieldsAreIgnoredAndAnEventWithoutDataIsNot() {
    feed("id: 7", "retry: 100", "foo: bar", "", "event: lonely", "", "data: y", "");
    assertThat(events).containsExactly("message|y");
  }

  @Test
  void aByteOrderMarkBeforeTheFirstLineIsDropped() {
    feed("\uFEFFdata: z", "");
    assertThat(events).containsExactly("message|z");
  }

  @Test
  void anEventPendingAtTheEndIsDispatched() {
    feed("data: [DONE]");
    assertThat(events).isEmpty();
    decoder.end();
    assertThat(events).containsExactly("message|[DONE]");
  }
}
