package dev.sluice.cli;

import dev.sluice.api.SluiceServer;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice serve}: load the config and serve until stopped. Exit code 2: bad config. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the Sluice server.")
public final class ServeCommand implements Callable<Integer> {
  static final int BAD_CONFIG = 2;
  private static final String HTTP_CLIENT_BUFFER = "jdk.httpclient.bufsize";

  @Spec CommandSpec spec;

  @Option(names = "--config", description = "Config file (default: ./sluice.yaml if present).")
  Path config;

  @Option(names = "--port", description = "Port to listen on (default: 8080; 0 picks a free one).")
  Integer port;

  @Option(
      names = "--host",
      description = "Address to bind (default: 127.0.0.1; 0.0.0.0 exposes it).")
  String host;

  @Override
  public Integer call() throws Exception {
    SluiceConfig loaded;
    try {
      loaded = new ConfigLoader(System.getenv()).load(config);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("sluice: bad config: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return BAD_CONFIG;
    }
    if (port != null) {
      loaded = loaded.withServer(loaded.server().withPort(port));
    }
    if (host != null) {
      loaded = loaded.withServer(loaded.server().withHost(host));
    }
    // java.net.http keeps a read buffer of this size per upstream connection, 16 KiB by default;
    // an upstream chunk is a few hundred bytes, and 10,000 open streams spent 160 MB on them
    // (docs/benchmarks.md). Read before the first HttpClient exists; a -D given by the user wins.
    if (System.getProperty(HTTP_CLIENT_BUFFER) == null) {
      System.setProperty(HTTP_CLIENT_BUFFER, "4096");
    }
    SluiceServer server = SluiceServer.start(loaded);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
