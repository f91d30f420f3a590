// One turn of a conversation against Sluice: a chat completion (a model) or an agent run. Both
// report what arrives through the same listener, so the page does not care which it talks to:
//   on.text(delta)      answer text, in order
//   on.tool(call)       {id, name, args, state: 'started'|'completed'|'error', result, error}
//   on.tokens(n)        the server's count of output tokens, when it sends one
//   on.session(id)      the agent session the run belongs to
// `headers` (the Authorization header, if any) go with every request of the turn.
// A turn resolves with 'completed' or 'cancelled' (the server cancelled the run), and rejects on
// an HTTP error (HttpError), an error inside the stream (StreamError), a lost connection, or the
// caller's abort.

import { ensureOk, readStream, StreamError } from './sse.js';

/**
 * Streams (or fetches, with stream off) a chat completion of `messages` from `model`. `extra` is
 * merged into the request body last, so it can set any field, Sluice's options included.
 */
export async function chatTurn(turn, on) {
  const { model, messages, chunking, stream, resumable, extra, signal, headers } = turn;
  const sluice = {};
  if (chunking) sluice.chunking = chunking;
  if (stream && resumable) sluice.resumable = true;
  const body = { model, messages, stream };
  if (stream) body.stream_options = { include_usage: true };
  if (Object.keys(sluice).length > 0) body.sluice = sluice;
  const response = await postJson('/v1/chat/completions', merge(body, extra), headers, signal);
  if (!stream) {
    const reply = await (await ensureOk(response)).json();
    on.text(reply.choices?.[0]?.message?.content ?? '');
    if (reply.usage) on.tokens(reply.usage.completion_tokens);
    return 'completed';
  }
  let streamId = null;
  let done = false;
  await readStream({
    response,
    signal,
    headers,
    finished: () => done,
    resumeUrl: () =>
      stream && resumable && streamId
        ? `/v1/chat/completions/${encodeURIComponent(streamId)}/stream`
        : null,
    onEvent: ({ data }) => {
      if (data === '[DONE]') {
        done = true;
        return;
      }
      const chunk = JSON.parse(data);
      if (chunk.error) throw new StreamError(describe(chunk.error));
      streamId ??= chunk.id;
      const content = chunk.choices?.[0]?.delta?.content;
      if (content) on.text(content);
      if (chunk.usage) on.tokens(chunk.usage.completion_tokens);
    },
  });
  return 'completed';
}

/** Runs agent `agentId` on `message`, in `sessionId` when given (else the server starts one). */
export async function agentTurn(turn, on) {
  const { agentId, message, sessionId, stream, resumable, extra, signal, headers } = turn;
  const body = { message, stream, resumable: stream && resumable };
  if (sessionId) body.session_id = sessionId;
  const runs = `/agents/${encodeURIComponent(agentId)}/runs`;
  const response = await postJson(runs, merge(body, extra), headers, signal);
  if (!stream) return finishedRun(await (await ensureOk(response)).json(), on);
  let runId = null;
  let outcome = null;
  // A resumable run goes on without its client, so Stop must cancel it explicitly.
  signal.addEventListener('abort', () => {
    if (runId && body.resumable) {
      const cancel = `${runs}/${encodeURIComponent(runId)}/cancel`;
      fetch(cancel, { method: 'POST', headers }).catch(() => {});
    }
  });
  await readStream({
    response,
    signal,
    headers,
    finished: () => outcome !== null,
    resumeUrl: () =>
      body.resumable && runId ? `${runs}/${encodeURIComponent(runId)}/stream` : null,
    onEvent: ({ event, data }) => {
      const run = JSON.parse(data);
      switch (run.event ?? event) {
        case 'RunStarted':
          runId = run.run_id;
          on.session(run.session_id);
          break;
        case 'RunContent':
          if (run.content) on.text(run.content);
          break;
        case 'ToolCallStarted':
          on.tool(toolCall(run.tool, 'started'));
          break;
        case 'ToolCallCompleted':
          on.tool(toolCall(run.tool, 'completed'));
          break;
        case 'ToolCallError':
          on.tool(toolCall(run.tool, 'error'));
          break;
        case 'RunCompleted':
          if (run.metrics?.output_tokens) on.tokens(run.metrics.output_tokens);
          outcome = 'completed';
          break;
        case 'RunCancelled':
          outcome = 'cancelled';
          break;
        case 'RunError':
          throw new StreamError(run.content || 'the run failed');
      }
    },
  });
  return outcome;
}

/** A run answered as JSON (stream off): its tool calls, then its answer. */
function finishedRun(run, on) {
  on.session(run.session_id);
  for (const tool of run.tools ?? []) {
    on.tool(toolCall(tool, tool.tool_call_error ? 'error' : 'completed'));
  }
  if (run.status === 'error') throw new StreamError(run.error || 'the run failed');
  on.text(run.content ?? '');
  if (run.metrics?.output_tokens) on.tokens(run.metrics.output_tokens);
  return run.status === 'cancelled' ? 'cancelled' : 'completed';
}

function toolCall(tool, state) {
  return {
    id: tool.tool_call_id,
    name: tool.tool_name,
    args: tool.tool_args,
    state,
    result: tool.result,
    error: tool.error,
  };
}

function postJson(url, body, headers, signal) {
  return fetch(url, {
    method: 'POST',
    headers: {
      ...headers,
      'Content-Type': 'application/json',
      Accept: 'text/event-stream, application/json',
    },
    body: JSON.stringify(body),
    signal,
  });
}

function describe(error) {
  const code = error.code ?? error.type;
  return code ? `${error.message} (${code})` : String(error.message);
}

/** `extra` merged into `base`: objects field by field, anything else replaced. */
export function merge(base, extra) {
  if (!isObject(base) || !isObject(extra)) return extra === undefined ? base : extra;
  const merged = { ...base };
  for (const [key, value] of Object.entries(extra)) merged[key] = merge(base[key], value);
  return merged;
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
