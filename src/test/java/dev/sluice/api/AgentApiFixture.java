package dev.sluice.api;

import java.net.http.HttpClient;

/**
 * What the agent API test interfaces need from the suite that runs them: a server on a database.
 */
interface AgentApiFixture {
  SluiceServer server();

  HttpClient http();

  /** Stops the server and starts a new one on the same database. */
  void restartServer();
}
