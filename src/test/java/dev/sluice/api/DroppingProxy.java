package dev.sluice.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy in front of a local server that can break one response mid-way, as a dropped network
 * connection would, for testing that clients resume. It also records the request lines and {@code
 * Last-Event-ID} headers it forwards. HTTP/1.1 only (what a browser speaks to a plain-http server).
 */
final class DroppingProxy implements AutoCloseable {
  private static final Pattern REQUEST_LINE =
      Pattern.compile("^(GET|POST|PUT|DELETE|OPTIONS|HEAD) (\\S+) HTTP/1\\.1$", Pattern.MULTILINE);
  private static final Pattern LAST_EVENT_ID =
      Pattern.compile("^Last-Event-ID: *(\\S+)$", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

  private final ServerSocket listener;
  private final int targetPort;

  /** The request whose response is to be cut, e.g. "POST /v1/chat/completions", and where. */
  private volatile Cut nextCut;

  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> lastEventIds = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  DroppingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("dropping-proxy").start(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  private record Cut(String request, int afterBytes) {}

  /**
   * The next response to {@code request} (a method and path, such as {@code POST
   * /v1/chat/completions}) is cut after this many bytes, headers included.
   */
  void cutNextResponse(String request, int afterBytes) {
    nextCut = new Cut(request, afterBytes);
  }

  /** The request lines forwarded so far, such as {@code GET /v1/models}. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** The {@code Last-Event-ID} header values forwarded so far. */
  List<String> lastEventIds() {
    return List.copyOf(lastEventIds);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(server);
        new Connection(client, server).start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** One client connection: requests go through whole, a response may be cut. */
  private final class Connection {
    private final Socket client;
    private final Socket server;

    /** Bytes of the current response still to let through before cutting; -1: no cut. */
    private final AtomicInteger budget = new AtomicInteger(-1);

    Connection(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      Thread.ofVirtual().start(this::forwardRequests);
      Thread.ofVirtual().start(this::forwardResponses);
    }

    private void forwardRequests() {
      try (InputStream in = client.getInputStream();
          OutputStream out = server.getOutputStream()) {
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
          note(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // either side closed
      } finally {
        closeBoth();
      }
    }

    /** Records request lines, and arms the cut when this is the chat request to break. */
    private void note(String bytes) {
      Matcher line = REQUEST_LINE.matcher(bytes);
      while (line.find()) {
        String request = line.group(1) + " " + line.group(2);
        requests.add(request);
        Cut cut = nextCut;
        if (cut != null && cut.request().equals(request)) {
          nextCut = null;
          budget.set(cut.afterBytes());
        }
      }
      Matcher id = LAST_EVENT_ID.matcher(bytes);
      while (id.find()) {
        lastEventIds.add(id.group(1));
      }
    }

    private void forwardResponses() {
      try (InputStream in = server.getInputStream();
          OutputStream out = client.getOutputStream()) {
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
          int left = budget.get();
          if (left >= 0 && n >= left) {
            out.write(buffer, 0, left);
            out.flush();
            return; // the drop: both sockets close below, mid-response
          }
          if (left >= 0) {
            budget.set(left - n);
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // either side closed
      } finally {
        closeBoth();
      }
    }

    private void closeBoth() {
      closeQuietly(client);
      closeQuietly(server);
    }
  }

  @Override
  public void close() {
    closeQuietly(listener);
    sockets.forEach(DroppingProxy::closeQuietly);
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
