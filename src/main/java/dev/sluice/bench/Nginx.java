package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * nginx as the plain reverse proxy Sluice is measured beside: Debian's nginx, with the settings a
 * careful operator uses for SSE (no response buffering, HTTP/1.1 with a keep-alive pool to the
 * upstream, no access log), one worker per core.
 */
final class Nginx {
  static final Path DEFAULT_BINARY = Path.of("/usr/sbin/nginx");

  private Nginx() {}

  static ServerProcess start(Path binary, int port, int upstreamPort, Path dir)
      throws IOException, InterruptedException {
    Path prefix = Files.createDirectories(dir.resolve("nginx"));
    Path conf = prefix.resolve("nginx.conf");
    Files.writeString(conf, config(port, upstreamPort, prefix));
    return ServerProcess.start(
        "nginx",
        List.of(binary.toString(), "-p", prefix.toString(), "-c", conf.toString()),
        port,
        dir);
  }

  private static String config(int port, int upstreamPort, Path prefix) {
    return """
        daemon off;
        master_process on;
        worker_processes auto;
        worker_rlimit_nofile 19000;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 16000; multi_accept on; }
        http {
          access_log off;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          upstream llm { server 127.0.0.1:%3$d; keepalive 2048; }
          server {
            listen 127.0.0.1:%2$d backlog=16384;
            location / {
              proxy_pass http://llm;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_buffering off;
              proxy_read_timeout 120s;
            }
          }
        }
        """
        .formatted(prefix, port, upstreamPort);
  }
}
