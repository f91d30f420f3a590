package dev.sluice.agent;

import dev.sluice.provider.FailoverOpener;
import dev.sluice.provider.ModelRouter;
import dev.sluice.store.SessionStore;
import dev.sluice.stream.StreamPipeline;
import dev.sluice.tool.Tool;
import java.util.Map;

/**
 * What every agent run shares: the model router and the opener that retries and falls back, the
 * stream pipeline, the session store and the built-in tools by name. Immutable, thread-safe.
 */
record AgentRuntime(
    ModelRouter router,
    FailoverOpener opener,
    StreamPipeline pipeline,
    SessionStore store,
    Map<String, Tool> tools) {}
