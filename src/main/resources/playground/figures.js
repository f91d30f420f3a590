// Live figures of one answer: time to first token, tokens per second, chunk count.

/** Tokens per character where the server sends no count: OpenAI's rule of thumb for English. */
const TOKENS_PER_CHAR = 1 / 4;

/**
 * Measures one answer from `start()` (the request is sent) to `stop()`, writing into the three
 * given elements as text arrives. Tokens per second counts from the first token, using the
 * server's token count once it arrives and an estimate (marked "est.") until then.
 */
export class Figures {
  #sentAt = 0;
  #firstAt = null;
  #chunks = 0;
  #chars = 0;
  #tokens = null;
  #endAt = null;

  constructor(ttft, rate, chunks) {
    this.out = { ttft, rate, chunks };
  }

  start() {
    this.#sentAt = performance.now();
    this.#firstAt = null;
    this.#chunks = 0;
    this.#chars = 0;
    this.#tokens = null;
    this.#endAt = null;
    this.#show();
  }

  /** A piece of answer text arrived. */
  chunk(text) {
    this.#firstAt ??= performance.now();
    this.#chunks++;
    this.#chars += text.length;
    this.#show();
  }

  /** The server's count of the answer's tokens. */
  tokens(count) {
    this.#tokens = count;
    this.#show();
  }

  stop() {
    this.#endAt = performance.now();
    this.#show();
  }

  /** Blank figures, for a new chat. */
  clear() {
    for (const out of Object.values(this.out)) out.textContent = '–';
  }

  #show() {
    const { ttft, rate, chunks } = this.out;
    const firstToken = this.#firstAt === null ? null : Math.round(this.#firstAt - this.#sentAt);
    ttft.textContent = firstToken === null ? '–' : `${firstToken} ms`;
    chunks.textContent = String(this.#chunks);
    const seconds = ((this.#endAt ?? performance.now()) - (this.#firstAt ?? 0)) / 1000;
    if (this.#firstAt === null || seconds <= 0.05) {
      rate.textContent = '–';
    } else if (this.#tokens !== null) {
      rate.textContent = (this.#tokens / seconds).toFixed(1);
    } else {
      rate.textContent = `${((this.#chars * TOKENS_PER_CHAR) / seconds).toFixed(1)} (est.)`;
    }
  }
}
