// The playground page: settings, the conversation, sending a turn and stopping it.

import { Figures } from './figures.js';
import { MessageView } from './messages.js';
import { agentTurn, chatTurn } from './turns.js';

const $ = (id) => document.getElementById(id);
const ui = {
  target: $('target'),
  system: $('system'),
  chunking: $('chunking'),
  stream: $('stream'),
  resumable: $('resumable'),
  apiKey: $('api-key'),
  advanced: $('advanced'),
  extra: $('extra'),
  messages: $('messages'),
  status: $('status'),
  composer: $('composer'),
  prompt: $('prompt'),
  send: $('send'),
  stop: $('stop'),
  newChat: $('new-chat'),
};
const figures = new Figures($('ttft'), $('rate'), $('chunks'));

/**
 * What the page remembers of this chat: the turns sent to models, and each agent's session.
 * New chat replaces it, so that a turn still ending then cannot write into the new chat.
 */
let conversation = newConversation();
/** The AbortController of the turn in progress, or null. */
let running = null;

ui.composer.addEventListener('submit', (e) => {
  e.preventDefault();
  send();
});
ui.prompt.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    ui.composer.requestSubmit();
  }
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && running) stop();
});
ui.stop.addEventListener('click', stop);
ui.newChat.addEventListener('click', newChat);
ui.target.addEventListener('change', showSettingsFor);
ui.stream.addEventListener('change', showSettingsFor);
ui.extra.addEventListener('input', () => extraError(null));
ui.apiKey.addEventListener('change', loadTargets);
// On a phone the settings start folded, so that the conversation is on the first screen.
if (matchMedia('(max-width: 720px)').matches) $('settings').open = false;
loadTargets();

/** Fills the picker: the models of /v1/models, then the agents of /agents (run as agents). */
async function loadTargets() {
  try {
    const [models, agents] = await Promise.all([getJson('/v1/models'), getJson('/agents')]);
    ui.apiKey.removeAttribute('aria-invalid');
    const modelGroup = group('Models');
    for (const model of models.data) {
      // agent:<id> models are the agents seen through chat completions: offered below as runs.
      if (model.id.startsWith('agent:')) continue;
      modelGroup.append(new Option(model.id, `model:${model.id}`));
    }
    const agentGroup = group('Agents');
    for (const agent of agents) {
      agentGroup.append(new Option(`${agent.name ?? agent.id} (agent)`, `agent:${agent.id}`));
    }
    ui.target.replaceChildren(...[modelGroup, agentGroup].filter((g) => g.children.length > 0));
    showSettingsFor();
    setStatus('Ready.');
  } catch (e) {
    const hint = e.status === 401 ? ' Enter the server\'s API key in Settings.' : '';
    if (e.status === 401) ui.apiKey.setAttribute('aria-invalid', 'true');
    setStatus(`Could not load the models and agents: ${e.message}.${hint}`, true);
  }
}

/** The chosen model or agent: {kind: 'model'|'agent', id}. */
function target() {
  const value = ui.target.value;
  const colon = value.indexOf(':');
  return { kind: value.slice(0, colon), id: value.slice(colon + 1) };
}

/** Agents have their own instructions and chunking: those controls apply to models only. */
function showSettingsFor() {
  const agent = target().kind === 'agent';
  ui.system.disabled = agent;
  ui.chunking.disabled = agent;
  ui.resumable.disabled = !ui.stream.checked;
}

/** Sends the message box's text to the chosen model or agent and shows the answer arriving. */
async function send() {
  const text = ui.prompt.value.trim();
  if (running || text === '' || !ui.target.value) return;
  const extra = readExtra();
  if (extra === undefined) return;
  const { kind, id } = target();
  const chat = conversation;
  ui.prompt.value = '';
  MessageView.user(ui.messages, text);
  const reply = MessageView.answer(ui.messages, kind === 'agent' ? `Agent ${id}` : id);
  const answer = answerListener(reply, (session) => chat.sessions.set(id, session));
  const controller = new AbortController();
  running = controller;
  showRunning(true);
  figures.start();
  setStatus('Waiting for the first token…');
  try {
    const options = {
      headers: authorization(),
      stream: ui.stream.checked,
      resumable: ui.resumable.checked,
      extra,
      signal: controller.signal,
    };
    const outcome = await runTurn(kind, id, text, chat, options, answer.on);
    reply.finish(outcome === 'cancelled' ? 'stopped' : 'done');
    setStatus(outcome === 'cancelled' ? 'The server cancelled the run.' : 'Done.');
    remember(chat, text, answer.text());
  } catch (e) {
    if (controller.signal.aborted) {
      reply.finish('stopped');
      setStatus('Stopped.');
      remember(chat, text, answer.text());
    } else {
      reply.fail(e.message);
      setStatus(`Error: ${e.message}`, true);
    }
  } finally {
    figures.stop();
    running = null;
    showRunning(false);
    scrollToEnd();
  }
}

/** One turn: an agent run in the agent's session, or a chat completion of the whole chat. */
function runTurn(kind, id, text, chat, options, on) {
  if (kind === 'agent') {
    const sessionId = chat.sessions.get(id);
    return agentTurn({ ...options, agentId: id, message: text, sessionId }, on);
  }
  const messages = messagesFor(chat, text);
  return chatTurn({ ...options, model: id, messages, chunking: ui.chunking.value }, on);
}

/**
 * The listener of one turn (see turns.js): shows what arrives in `reply` and the figures, and
 * keeps the answer's text, which `text()` returns.
 */
function answerListener(reply, onSession) {
  let answer = '';
  scrollToEnd();
  return {
    text: () => answer,
    on: {
      text: (delta) => {
        if (answer === '') setStatus('Streaming…');
        answer += delta;
        figures.chunk(delta);
        reply.showText(answer);
        scrollToEnd();
      },
      tool: (call) => {
        reply.showTool(call);
        scrollToEnd();
      },
      tokens: (count) => figures.tokens(count),
      session: onSession,
    },
  };
}

/** The messages of a chat turn: the system prompt, the earlier turns, the new message. */
function messagesFor(chat, text) {
  const system = ui.system.value.trim();
  return [
    ...(system ? [{ role: 'system', content: system }] : []),
    ...chat.history,
    { role: 'user', content: text },
  ];
}

/** Keeps a finished (or stopped) turn for the next chat request; failed turns are not kept. */
function remember(chat, question, answer) {
  chat.history.push({ role: 'user', content: question });
  if (answer !== '') chat.history.push({ role: 'assistant', content: answer });
}

function newConversation() {
  return { history: [], sessions: new Map() };
}

/** The advanced JSON as an object ({} when empty); undefined, with an inline error, if invalid. */
function readExtra() {
  const source = ui.extra.value.trim();
  if (source === '') return {};
  let extra;
  try {
    extra = JSON.parse(source);
  } catch (e) {
    return extraError(`The extra JSON is not valid: ${e.message}`);
  }
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
    return extraError('The extra JSON must be an object, like {"temperature": 0.2}.');
  }
  return extra;
}

function extraError(message) {
  let error = $('extra-error');
  if (message === null) {
    error?.remove();
    ui.extra.removeAttribute('aria-invalid');
    return undefined;
  }
  if (!error) {
    error = document.createElement('p');
    error.id = 'extra-error';
    error.className = 'error';
    error.setAttribute('role', 'alert');
    ui.extra.after(error);
  }
  error.textContent = message;
  ui.extra.setAttribute('aria-invalid', 'true');
  ui.extra.setAttribute('aria-describedby', 'extra-error');
  $('settings').open = true;
  ui.advanced.open = true;
  ui.extra.focus();
  setStatus('Not sent: the extra JSON is not valid.', true);
  return undefined;
}

function stop() {
  running?.abort();
}

function newChat() {
  stop();
  conversation = newConversation();
  ui.messages.replaceChildren();
  figures.clear();
  setStatus('New chat.');
  ui.prompt.focus();
}

/** Focus stays in the message box, so the next message can be typed while this one streams. */
function showRunning(on) {
  ui.send.disabled = on;
  ui.stop.disabled = !on;
  if (!on && (document.activeElement === ui.stop || document.activeElement === document.body)) {
    ui.prompt.focus();
  }
}

function setStatus(text, isError = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('is-error', isError);
}

/** Follows the answer down, unless the reader has scrolled up to read. */
function scrollToEnd() {
  const list = ui.messages;
  const fromBottom = list.scrollHeight - list.scrollTop - list.clientHeight;
  if (fromBottom < 120) list.scrollTop = list.scrollHeight;
}

function group(label) {
  const element = document.createElement('optgroup');
  element.label = label;
  return element;
}

/** The Authorization header for the key typed in Settings (kept in this page only), if any. */
function authorization() {
  const key = ui.apiKey.value.trim();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

async function getJson(url) {
  const headers = { Accept: 'application/json', ...authorization() };
  const response = await fetch(url, { headers });
  if (!response.ok) {
    const error = new Error(`HTTP ${response.status} from ${url}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}
