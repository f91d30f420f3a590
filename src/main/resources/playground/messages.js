// The conversation's messages on the page. Every piece of text from the server goes in through
// textContent or the markdown renderer, never as HTML.

import { renderMarkdown } from './markdown.js';

/**
 * One message in the list: a user's (plain text) or an answer (markdown, tool calls, an error).
 * An answer's `data-state` is streaming, done, stopped or error, for styles and tests.
 */
export class MessageView {
  #tools = new Map();

  constructor(list, role, label) {
    this.element = element('li', `message ${role}`);
    this.element.append(element('p', 'role', label));
    this.toolList = element('ul', 'tools');
    this.toolList.hidden = true;
    this.body = element('div', 'body');
    this.element.append(this.toolList, this.body);
    list.append(this.element);
  }

  /** A user's message, shown as typed. */
  static user(list, text) {
    const view = new MessageView(list, 'user', 'You');
    view.body.append(element('p', 'plain', text));
    return view;
  }

  /** An answer that is about to stream in. */
  static answer(list, label) {
    const view = new MessageView(list, 'assistant', label);
    view.element.dataset.state = 'streaming';
    view.element.setAttribute('aria-busy', 'true');
    return view;
  }

  /** Shows the answer so far (its whole text: partial markdown is re-read as it completes). */
  showText(text) {
    renderMarkdown(text, this.body);
  }

  /** Adds a tool call, or updates the one with the same id when it finishes. */
  showTool(call) {
    let item = this.#tools.get(call.id);
    if (!item) {
      item = element('li', 'tool');
      this.#tools.set(call.id, item);
      this.toolList.append(item);
      this.toolList.hidden = false;
    }
    item.dataset.state = call.state;
    const mark = { started: '⚙', completed: '✓', error: '✗' }[call.state];
    const args = call.args === undefined ? '' : JSON.stringify(call.args);
    item.replaceChildren(
      element('span', 'tool-mark', mark),
      element('span', 'tool-name', call.name),
      element('code', 'tool-args', args),
      toolOutcome(call),
    );
  }

  /** Ends the answer: done or stopped. */
  finish(state) {
    this.element.dataset.state = state;
    this.element.removeAttribute('aria-busy');
    if (state === 'stopped') this.element.append(element('p', 'note', 'Stopped.'));
  }

  /** Ends the answer with an error, shown under whatever text had arrived. */
  fail(message) {
    this.element.dataset.state = 'error';
    this.element.removeAttribute('aria-busy');
    const error = element('p', 'error', `Error: ${message}`);
    error.setAttribute('role', 'alert');
    this.element.append(error);
  }
}

function toolOutcome(call) {
  switch (call.state) {
    case 'completed':
      return element('span', 'tool-result', `→ ${call.result ?? ''}`);
    case 'error':
      return element('span', 'tool-error', `failed: ${call.error ?? ''}`);
    default:
      return element('span', 'tool-running', 'running…');
  }
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
