package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK (OkHttp, Accept-Encoding: gzip) against Sluice's mock model. */
class OpenAiSdkTest {
  private static SluiceServer server;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    server = SluiceServer.start(TestHttp.mockConfig());
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(server.openAiBaseUrl().toString())
            .apiKey("x")
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A request for the mock with its pauses switched off and the given extra mock options. */
  private static ChatCompletionCreateParams.Builder params(String prompt, Map<String, ?> mock) {
    Map<String, Object> options = new LinkedHashMap<>(mock);
    options.put("interval_ms", 0);
    return ChatCompletionCreateParams.builder()
        .model("mock")
        .addUserMessage(prompt)
        .putAdditionalBodyProperty("sluice", JsonValue.from(Map.of("mock", options)));
  }

  private static List<ChatCompletionChunk> streamAll(ChatCompletionCreateParams params) {
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params)) {
      return stream.stream().toList();
    }
  }

  private static String content(List<ChatCompletionChunk> chunks) {
    StringBuilder text = new StringBuilder();
    for (ChatCompletionChunk chunk : chunks) {
      chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
    }
    return text.toString();
  }

  @Test
  void streamedContentConcatenatesToTheNonStreamingReply() {
    ChatCompletionCreateParams params =
        params("Tell me about rivers and gates.", Map.of("tokens", 30)).build();

    String whole =
        client
            .chat()
            .completions()
            .create(params)
            .choices()
            .get(0)
            .message()
            .content()
            .orElseThrow();
    List<ChatCompletionChunk> chunks = streamAll(params);

    assertThat(whole).isNotBlank();
    assertThat(content(chunks)).isEqualTo(whole);
    assertThat(chunks.size()).as("one chunk per token, plus role and finish").isGreaterThan(10);
    assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
    assertThat(chunks)
        .extracting(ChatCompletionChunk::created)
        .containsOnly(chunks.get(0).created());
    assertThat(chunks).extracting(ChatCompletionChunk::model).containsOnly("mock");
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices().get(0).finishReason())
        .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
  }

  @Test
  void includeUsageAddsAUsageChunkLast() {
    ChatCompletionCreateParams params =
        params("Count me.", Map.of("tokens", 12))
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build();

    List<ChatCompletionChunk> chunks = streamAll(params);

    List<ChatCompletionChunk> withUsage =
        chunks.stream().filter(c -> c.usage().isPresent()).toList();
    assertThat(withUsage).hasSize(1);
    ChatCompletionChunk usageChunk = chunks.get(chunks.size() - 1);
    assertThat(usageChunk).isSameAs(withUsage.get(0));
    assertThat(usageChunk.choices()).isEmpty();
    assertThat(usageChunk.id()).isEqualTo(chunks.get(0).id());
    CompletionUsage usage = usageChunk.usage().orElseThrow();
    assertThat(usage.promptTokens()).isPositive();
    assertThat(usage.completionTokens()).isEqualTo(12);
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
  }

  @Test
  void nonStreamingCreateFinishesWithStopAndUsage() {
    ChatCompletion completion =
        client.chat().completions().create(params("Hello there", Map.of("tokens", 8)).build());

    assertThat(completion.id()).startsWith("chatcmpl-");
    assertThat(completion.model()).isEqualTo("mock");
    assertThat(completion.choices()).hasSize(1);
    ChatCompletion.Choice choice = completion.choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(choice.message().content()).hasValueSatisfying(t -> assertThat(t).isNotBlank());
    CompletionUsage usage = completion.usage().orElseThrow();
    assertThat(usage.promptTokens()).isPositive();
    assertThat(usage.completionTokens()).isEqualTo(8);
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + 8);
  }

  @Test
  void maxCompletionTokensCutsTheReplyWithFinishLength() {
    ChatCompletion completion =
        client
            .chat()
            .completions()
            .create(params("Go on", Map.of("tokens", 20)).maxCompletionTokens(3).build());

    assertThat(completion.choices().get(0).finishReason())
        .isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
    assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(3);
  }

  @Test
  void unknownModelRaisesNotFound() {
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder().model("no-such-model").addUserMessage("hi").build();

    assertThatThrownBy(() -> client.chat().completions().create(params))
        .isInstanceOfSatisfying(
            NotFoundException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(404);
              assertThat(e.code()).hasValue("model_not_found");
              assertThat(e.type()).hasValue("invalid_request_error");
              assertThat(e.param()).hasValue("model");
            });
    assertThatThrownBy(() -> streamAll(params)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void emojiAndCjkComeBackExactly() {
    String text = "Héllo 👋🏽 世界! 日本語のテキスト — ✨🚀 déjà vu 👨‍👩‍👧 end";

    String streamed = content(streamAll(params("echo", Map.of("text", text)).build()));
    String messy = content(streamAll(params("echo", Map.of("text", text, "messy", true)).build()));
    String whole =
        client
            .chat()
            .completions()
            .create(params("echo", Map.of("text", text)).build())
            .choices()
            .get(0)
            .message()
            .content()
            .orElseThrow();

    assertThat(streamed).isEqualTo(text);
    assertThat(messy).as("deltas cut inside a surrogate pair").isEqualTo(text);
    assertThat(whole).isEqualTo(text);
  }
}
