package dev.sluice.cli;

import dev.sluice.api.SluiceServer;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code sluice aot-train}: the training run for a JDK 25 AOT cache (JEP 483/514). It serves on a
 * free loopback port with the embedded defaults, sends itself the requests a server answers first
 * (health, models, streamed and whole mock replies, a bad request), then stops. Run under {@code
 * -XX:AOTCacheOutput=<file>}, the JVM then writes the classes it loaded and linked, and their
 * profiles, to that file; a later {@code -XX:AOTCache=<file>} start skips that work. {@code
 * bin/sluice} does this once per build of the jar.
 */
@Command(
    name = "aot-train",
    hidden = true,
    description = "Exercise a server once, for a JDK AOT cache training run.")
public final class AotTrainCommand implements Callable<Integer> {
  private static final String STREAM =
      "{\"model\":\"mock\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
          + "\"sluice\":{\"mock\":{\"interval_ms\":0,\"messy\":true}},"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
  private static final String WHOLE =
      "{\"model\":\"mock\",\"sluice\":{\"mock\":{\"interval_ms\":0}},"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  @Override
  public Integer call() throws Exception {
    SluiceConfig defaults = new ConfigLoader(Map.of()).defaults();
    SluiceConfig config = defaults.withServer(defaults.server().withPort(0));
    try (SluiceServer server = SluiceServer.start(config);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      URI base = URI.create("http://127.0.0.1:" + server.port());
      for (int i = 0; i < 20; i++) {
        get(client, base.resolve("/health"));
        get(client, base.resolve("/v1/models"));
        post(client, base.resolve("/v1/chat/completions"), STREAM);
        post(client, base.resolve("/v1/chat/completions"), WHOLE);
        post(client, base.resolve("/v1/chat/completions"), "{\"model\":");
      }
      get(client, base.resolve("/metrics"));
    }
    return 0;
  }

  private static void get(HttpClient client, URI uri) throws Exception {
    client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
  }

  private static void post(HttpClient client, URI uri, String body) throws Exception {
    client.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }
}
