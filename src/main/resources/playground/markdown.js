// A small markdown renderer for model output, re-run on the whole text of a message at each chunk
// so that markdown cut mid-way (an open code fence, a half-typed **bold**) becomes right when the
// rest arrives. It builds DOM nodes with createElement and text nodes only: model text is never
// parsed as HTML, so it cannot inject markup or script.
//
// Supported: paragraphs (single line breaks kept), # headings, - / 1. lists, ``` fenced code
// (verbatim), `inline code`, **bold**, *italic* / _italic_, and [links](https://...) for http(s)
// URLs only; anything else shows as the text it is.

/** Replaces the content of `container` with `text` rendered as markdown. */
export function renderMarkdown(text, container) {
  const blocks = document.createDocumentFragment();
  const lines = text.split(/\r\n|\r|\n/);
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
    } else if (FENCE.test(line)) {
      i = codeBlock(lines, i, blocks);
    } else if (HEADING.test(line)) {
      const [, hashes, title] = line.match(HEADING);
      blocks.append(inline(`h${Math.min(hashes.length + 2, 6)}`, title));
      i++;
    } else if (BULLET.test(line) || NUMBERED.test(line)) {
      i = list(lines, i, blocks);
    } else {
      i = paragraph(lines, i, blocks);
    }
  }
  container.replaceChildren(blocks);
}

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;

/** A fenced block up to its closing fence, or to the end while the fence is still open. */
function codeBlock(lines, start, parent) {
  const fence = lines[start].trim().slice(0, 3);
  const language = lines[start].trim().slice(3).trim();
  const body = [];
  let i = start + 1;
  while (i < lines.length && !lines[i].trim().startsWith(fence)) body.push(lines[i++]);
  const pre = document.createElement('pre');
  const code = document.createElement('code');
  if (/^[\w+#.-]{1,30}$/.test(language)) code.dataset.language = language;
  code.textContent = body.join('\n');
  pre.append(code);
  parent.append(pre);
  return i + 1; // past the closing fence
}

function list(lines, start, parent) {
  const ordered = NUMBERED.test(lines[start]);
  const item = ordered ? NUMBERED : BULLET;
  const element = document.createElement(ordered ? 'ol' : 'ul');
  let i = start;
  while (i < lines.length && item.test(lines[i])) {
    element.append(inline('li', lines[i].match(item)[1]));
    i++;
  }
  parent.append(element);
  return i;
}

/** Lines up to a blank line or the start of another block. */
function paragraph(lines, start, parent) {
  const p = document.createElement('p');
  let i = start;
  while (i < lines.length && lines[i].trim() !== '' && (i === start || !startsBlock(lines[i]))) {
    if (i > start) p.append(document.createElement('br'));
    appendInline(p, lines[i]);
    i++;
  }
  parent.append(p);
  return i;
}

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || BULLET.test(line) || NUMBERED.test(line);
}

function inline(tag, text) {
  const element = document.createElement(tag);
  appendInline(element, text);
  return element;
}

// Inline rules, by priority when two match at the same place. Code spans come first: their
// content is shown verbatim, not read as more markdown.
const INLINE_RULES = [
  { pattern: /`([^`]+)`/, build: (m) => text('code', m[1]) },
  { pattern: /\[([^\]]+)\]\(([^()\s]+)\)/, build: link },
  { pattern: /\*\*(?=\S)(.+?)\*\*|__(?=\S)(.+?)__/, build: (m) => inline('strong', m[1] ?? m[2]) },
  {
    pattern: /\*(?=[^\s*])([^*]+?)\*|(?<!\w)_(?=[^\s_])([^_]+?)_(?!\w)/,
    build: (m) => inline('em', m[1] ?? m[2]),
  },
];

/** Appends `source` with its inline markdown to `parent`, as text nodes and elements. */
function appendInline(parent, source) {
  let rest = source;
  while (rest !== '') {
    let best = null;
    for (const rule of INLINE_RULES) {
      const m = rule.pattern.exec(rest);
      if (m && (best === null || m.index < best.m.index)) best = { rule, m };
    }
    if (best === null) {
      parent.append(rest);
      return;
    }
    parent.append(rest.slice(0, best.m.index), best.rule.build(best.m));
    rest = rest.slice(best.m.index + best.m[0].length);
  }
}

/** A link for http(s) URLs; any other scheme (javascript:, data:...) stays plain text. */
function link(m) {
  let url;
  try {
    url = new URL(m[2]);
  } catch {
    return document.createTextNode(m[0]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return document.createTextNode(m[0]);
  const a = inline('a', m[1]);
  a.href = url.href;
  a.rel = 'noopener noreferrer';
  a.target = '_blank';
  return a;
}

function text(tag, content) {
  const element = document.createElement(tag);
  element.textContent = content;
  return element;
}
