package dev.sluice.provider;

import static dev.sluice.provider.ProviderTestSupport.chat;
import static dev.sluice.provider.ProviderTestSupport.drain;
import static dev.sluice.provider.ProviderTestSupport.finishReasons;
import static dev.sluice.provider.ProviderTestSupport.text;
import static dev.sluice.provider.ProviderTestSupport.texts;
import static dev.sluice.provider.ProviderTestSupport.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ModelConfig;
import dev.sluice.error.InvalidRequestException;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The embedded mock's options and determinism. Every request is unpaced ({@code interval_ms 0}).
 */
@Timeout(5)
class MockProviderTest {
  private static final String LAUNCH = "Launch 🚀 at dawn, then rest ✨ in 日本 café.";

  private ModelRouter router;
  private ModelRoute route;

  @BeforeAll
  static void warmUp() throws Exception {
    ProviderTestSupport.warmUp();
  }

  @BeforeEach
  void start() {
    router = new ModelRouter(List.of(ModelConfig.mock()), ProviderTestSupport.TOKENS);
    route = router.route("mock");
  }

  @AfterEach
  void stop() {
    router.close();
  }

  /** Streams a reply to {@code userText} with the given mock options and top-level fields. */
  private List<StreamEvent> mock(String userText, String mockOptions, String extraFields)
      throws InterruptedException {
    String options = "{\"interval_ms\":0" + (mockOptions.isEmpty() ? "" : "," + mockOptions) + "}";
    String extra = "\"sluice\":{\"mock\":" + options + "}";
    ChatRequest request =
        chat("mock", userText, extraFields.isEmpty() ? extra : extra + "," + extraFields);
    return drain(route.provider().open(request, route.upstreamModel()));
  }

  private List<StreamEvent> mock(String userText, String mockOptions) throws InterruptedException {
    return mock(userText, mockOptions, "");
  }

  @Test
  void theSameRequestGetsTheSameReplyAndOtherMessagesAnother() throws Exception {
    String first = text(mock("What is a sluice?", ""));
    String again = text(mock("What is a sluice?", ""));
    String other = text(mock("What is a weir?", ""));

    assertThat(first).isNotBlank().isEqualTo(again);
    assertThat(other).isNotBlank().isNotEqualTo(first);
    assertThat(text(mock("What is a sluice?", "", "\"seed\":42")))
        .as("the seed is part of what the reply depends on")
        .isNotEqualTo(first);
  }

  @Test
  void textOptionGivesExactlyThatReply() throws Exception {
    List<StreamEvent> events = mock("anything", "\"text\":\"" + LAUNCH + "\"");

    assertThat(text(events)).isEqualTo(LAUNCH);
    assertThat(finishReasons(events)).containsExactly("stop");
    assertThat(usage(events).completionTokens()).isEqualTo(texts(events).size());
  }

  @Test
  void tokensOptionSetsTheLengthOfAGeneratedReply() throws Exception {
    List<StreamEvent> seven = mock("count", "\"tokens\":7");
    List<StreamEvent> hundred = mock("count", "\"tokens\":100");

    assertThat(texts(seven)).hasSize(7);
    assertThat(usage(seven).completionTokens()).isEqualTo(7);
    assertThat(texts(hundred)).hasSize(100);
    assertThat(usage(hundred).completionTokens()).isEqualTo(100);
    assertThat(finishReasons(hundred)).containsExactly("stop");
  }

  @Test
  void maxTokensCutsTheReplyWithFinishLength() throws Exception {
    List<StreamEvent> full = mock("long answer", "\"tokens\":30");
    List<StreamEvent> cut = mock("long answer", "\"tokens\":30", "\"max_tokens\":5");

    assertThat(texts(cut)).hasSize(5).containsExactlyElementsOf(texts(full).subList(0, 5));
    assertThat(finishReasons(cut)).containsExactly("length");
    assertThat(usage(cut).completionTokens()).isEqualTo(5);
    assertThat(finishReasons(mock("long answer", "\"tokens\":30", "\"max_tokens\":30")))
        .as("a reply that fits is not cut")
        .containsExactly("stop");
  }

  @Test
  void stopSequenceCutsTheTextBeforeIt() throws Exception {
    String reply = "First part. END Second part.";

    List<StreamEvent> one = mock("x", "\"text\":\"" + reply + "\"", "\"stop\":\"END\"");
    List<StreamEvent> many =
        mock("x", "\"text\":\"" + reply + "\"", "\"stop\":[\"zzz\",\"part.\"]");

    assertThat(text(one)).isEqualTo("First part. ");
    assertThat(finishReasons(one)).containsExactly("stop");
    assertThat(text(many)).isEqualTo("First ");
  }

  @Test
  void messyModeKeepsTheTextButCutsItLikeARealProvider() throws Exception {
    String options = "\"text\":\"" + LAUNCH + "\"";
    List<StreamEvent> tidy = mock("x", options);
    List<StreamEvent> messy = mock("x", options + ",\"messy\":true");

    assertThat(text(messy)).isEqualTo(text(tidy)).isEqualTo(LAUNCH);
    List<String> deltas = texts(messy);
    assertThat(deltas.getFirst()).as("the first delta is empty, as OpenAI's role chunk").isEmpty();
    assertThat(deltas.subList(1, deltas.size())).as("more empty deltas").contains("");
    assertThat(splitsASurrogatePair(deltas)).as("an emoji split between two deltas").isTrue();
    assertThat(deltas).isNotEqualTo(texts(tidy));
    assertThat(usage(messy)).isEqualTo(usage(tidy));
  }

  @Test
  void messyDeltasKeepTheModelsPaceSoWordsArriveWithinTheMaxDelay() {
    List<String> tokens = List.of("Sing", " about", " rockets", " and", " stars", ".");
    List<String> deltas = MockProvider.messy(tokens);
    long[] waits = MockProvider.pacedByLength(deltas, tokens, 20);
    assertThat(waits[0]).as("the first delta comes at once").isZero();
    for (int i = 1; i < deltas.size(); i++) {
      assertThat(waits[i]).as("delta %d %s", i, deltas.get(i)).isBetween(0L, 20L);
      if (deltas.get(i).isEmpty()) {
        assertThat(waits[i]).as("an empty delta comes with its neighbour").isZero();
      }
    }
    // About the plain reply's pace (6 tokens 20 ms apart), never slower.
    assertThat(java.util.Arrays.stream(waits).sum()).isBetween(60L, 6 * 20L + 20);
  }

  @Test
  void messyModeAlsoSplitsAGeneratedReplyDeterministically() throws Exception {
    List<StreamEvent> first = mock("Sing about rockets", "\"tokens\":200,\"messy\":true");
    List<StreamEvent> tidy = mock("Sing about rockets", "\"tokens\":200");

    assertThat(text(first)).isEqualTo(text(tidy));
    assertThat(texts(first))
        .contains("")
        .isEqualTo(texts(mock("Sing about rockets", "\"tokens\":200,\"messy\":true")));
  }

  /** A non-empty delta ends in a high surrogate and the next non-empty one starts with its pair. */
  private static boolean splitsASurrogatePair(List<String> deltas) {
    List<String> nonEmpty = deltas.stream().filter(d -> !d.isEmpty()).toList();
    for (int i = 0; i + 1 < nonEmpty.size(); i++) {
      String a = nonEmpty.get(i);
      if (Character.isHighSurrogate(a.charAt(a.length() - 1))
          && Character.isLowSurrogate(nonEmpty.get(i + 1).charAt(0))) {
        return true;
      }
    }
    return false;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"tokens\":-1         | sluice.mock.tokens",
        "\"tokens\":0          | sluice.mock.tokens",
        "\"tokens\":2.5        | sluice.mock.tokens",
        "\"interval_ms\":\"x\" | sluice.mock.interval_ms",
        "\"text\":5            | sluice.mock.text",
        "\"messy\":\"yes\"     | sluice.mock.messy",
        "\"speed\":3           | sluice.mock.speed",
        "\"fail_after\":-1     | sluice.mock.fail_after",
        "\"fail_status\":200   | sluice.mock.fail_status",
        "\"fail_status\":600   | sluice.mock.fail_status",
      })
  void badOptionsAreA400NamingTheOption(String option, String param) {
    ChatRequest request = chat("mock", "x", "\"sluice\":{\"mock\":{" + option + "}}");

    assertThatThrownBy(() -> route.provider().open(request, route.upstreamModel()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.param()).isEqualTo(param);
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).contains("'" + param + "'");
            });
  }

  @Test
  void mockOptionsThatAreNotAnObjectAreRejected() {
    ChatRequest request = chat("mock", "x", "\"sluice\":{\"mock\":true}");

    assertThatThrownBy(() -> route.provider().open(request, route.upstreamModel()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("sluice.mock"));
  }
}
