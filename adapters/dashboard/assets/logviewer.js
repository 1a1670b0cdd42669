// The live build log viewer (an ES module, no dependencies).
//
// It shows a build's log in a scrolling box, keeping at most maxLines
// lines in the page: the log's latest lines first (GET
// /api/builds/{id}/logs?tail=N), then, for a build that has not ended,
// every new line over the WebSocket GET /api/builds/{id}/logs/stream in
// the JSON frames of the subprotocol mastra-admin.build-log.v1, from the
// line after the last one it has. Lines carry their numbers (from 0 in the
// API, shown from 1), so a reconnect resumes where the log was and a line
// is never shown twice or skipped.
//
// - Rendering is batched: lines received are kept (the newest maxLines
//   of them) and put into the page once per animation frame, in
//   DocumentFragments, for at most a few milliseconds per frame; a burst
//   of more than maxLines lines renders only the newest ones. Lines sit
//   in blocks the browser does not lay out while they are out of view
//   (content-visibility), so a page of 5,000 lines costs what its
//   visible ones do.
// - While the reader is at the bottom it follows the log; scrolled up, it
//   stays where it is (new lines are added below until the page holds
//   maxLines, then counted) and "Jump to latest" brings it back.
// - Lines not in the page are said so above and below the box: earlier
//   ones can be loaded on demand by line range (GET …/logs?from=N&limit=M),
//   newer ones by jumping to the latest. A line longer than longLine
//   characters is cut with a button that shows it whole.
// - The socket is pinged through quiet stretches (the server answers each
//   ping); a socket that goes quiet is dropped and, like any socket that
//   closes before the build's end frame, reopened after a backoff that
//   doubles up to 30 s. Coming back to the tab or online reconnects at once.
// - The connection's state is shown in an aria-live status.

export const PROTOCOL = "mastra-admin.build-log.v1";

const nf = new Intl.NumberFormat();
const ansi = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

// shown is the text a terminal would show for a raw log line: no color
// codes, and of a line redrawn with carriage returns, its last drawing.
function shown(line) {
  let t = line;
  if (t.includes("\x1b")) t = t.replace(ansi, "");
  if (t.includes("\r")) {
    t = t.replace(/\r+$/, "");
    t = t.slice(t.lastIndexOf("\r") + 1);
  }
  return t;
}

// newChunk is a block of lines.
function newChunk() {
  const c = document.createElement("div");
  c.className = "chunk";
  return c;
}

// removeChildren removes the children from to to-1 of el.
function removeChildren(el, from, to) {
  const r = document.createRange();
  r.setStartBefore(el.children[from]);
  r.setEndAfter(el.children[to - 1]);
  r.deleteContents();
}

export class LogViewer {
  constructor(root, opts = {}) {
    this.root = root;
    this.id = opts.buildId ?? root.dataset.build;
    this.maxLines = opts.maxLines ?? 5000; // lines kept in the page
    this.pageLines = opts.pageLines ?? 1000; // lines one "load earlier" adds
    this.longLine = opts.longLine ?? 4000; // characters of a line shown before "show all"
    this.chunkLines = opts.chunkLines ?? 200; // lines per block the browser may skip laying out
    this.frameBudget = opts.frameBudget ?? 5; // ms of rendering per frame
    this.pingAfter = opts.pingAfter ?? 20000; // ms of quiet before a ping
    this.pongWait = opts.pongWait ?? 10000; // ms a ping waits for its answer
    this.maxDelay = opts.maxDelay ?? 30000; // the longest wait before a reconnect
    this.ended = root.dataset.ended === "true";
    this.status = root.dataset.status ?? "";
    const q = (name) => root.querySelector(`[data-log="${name}"]`);
    this.el = {
      lines: q("lines"), state: q("state"), reconnect: q("reconnect"), earlier: q("earlier"),
      earlierText: q("earlier-text"), loadEarlier: q("load-earlier"), newer: q("newer"),
      newerText: q("newer-text"), jump: q("jump"),
    };
    // The lines received, newest last: lines tailStart to next-1.
    this.next = 0;
    this.tail = [];
    this.tailStart = 0;
    // The lines in the page: lo to hi-1.
    this.lo = 0;
    this.hi = 0;
    this.pinned = true;
    this.frame = 0;
    this.full = new WeakMap(); // "show all" button → the whole line
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = 0;
    this.pingTimer = 0;
    this.heard = 0; // when the socket last said anything
    this.pingSent = 0; // when the unanswered ping went out (0: none)
    this.loading = false;
    this.browsing = false; // the reader loaded earlier lines
    this.held = null; // the box's scrollTop when a pointer went down on it (dragging its scroll bar)
    this.touched = -Infinity; // when the reader last used the wheel, a key or a pointer on the box
    this.resized = -Infinity; // when the box last changed size
    this.wire();
  }

  wire() {
    const { lines, loadEarlier, jump, reconnect } = this.el;
    lines.addEventListener("scroll", () => this.onScroll(), { passive: true });
    // A box that changes size (a phone turned, a window resized) keeps
    // showing the latest lines while following.
    new ResizeObserver(() => {
      this.resized = performance.now();
      if (this.pinned && this.held === null) lines.scrollTop = lines.scrollHeight;
    }).observe(lines);
    // A reader who scrolls up stops following at once, even while lines
    // come in every frame (each of which would scroll back down).
    lines.addEventListener("wheel", (ev) => {
      this.touched = performance.now();
      if (ev.deltaY < 0) this.unpin();
    }, { passive: true });
    lines.addEventListener("keydown", (ev) => {
      this.touched = performance.now();
      if (["ArrowUp", "PageUp", "Home"].includes(ev.key)) this.unpin();
    });
    lines.addEventListener("pointerdown", () => {
      this.touched = performance.now();
      this.held = lines.scrollTop;
    });
    // A finger that starts panning the box cancels its pointer: the reader
    // is scrolling.
    window.addEventListener("pointercancel", () => {
      if (this.held === null) return;
      this.held = null;
      this.unpin();
    });
    window.addEventListener("pointerup", () => {
      if (this.held === null) return;
      const moved = lines.scrollTop !== this.held;
      this.held = null;
      if (moved) this.onScroll();
      else if (this.pinned) this.schedule();
    });
    lines.addEventListener("click", (ev) => {
      const b = ev.target.closest?.("button.ln-more");
      if (!b || !this.full.has(b)) return;
      // The button goes with the cut: focus moves to the whole line.
      const line = b.parentElement;
      line.textContent = this.full.get(b);
      line.tabIndex = -1;
      line.focus({ preventScroll: true });
    });
    loadEarlier.addEventListener("click", () => this.loadEarlier());
    jump.addEventListener("click", () => this.jumpToLatest());
    reconnect.addEventListener("click", () => this.connect());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.wake();
    });
    window.addEventListener("online", () => this.wake());
  }

  async start() {
    this.setState("Loading the log…");
    let from = 0;
    let lines = [];
    try {
      ({ from, lines } = await this.fetchLines(`tail=${this.maxLines}`));
    } catch (err) {
      if (this.ended) {
        this.setState(`The log could not be loaded: ${err.message}`, "error");
        this.el.reconnect.hidden = false;
        this.el.reconnect.textContent = "Try again";
        this.el.reconnect.onclick = () => location.reload();
        return;
      }
      // The stream sends the whole log as well.
    }
    this.next = this.lo = this.hi = this.tailStart = from;
    this.receive(from, lines);
    if (this.ended) {
      this.done();
      return;
    }
    this.connect();
  }

  // fetchLines GETs part of the log (query: tail=N or from=N&limit=M).
  async fetchLines(query) {
    const res = await fetch(`/api/builds/${this.id}/logs?${query}`, { credentials: "same-origin" });
    if (!res.ok) {
      let msg = `${res.status} ${res.statusText}`;
      try {
        msg = (await res.json()).error.message;
      } catch {
        // not the API's error shape
      }
      throw new Error(msg);
    }
    const from = Number(res.headers.get("X-Log-From"));
    const text = await res.text();
    if (!Number.isInteger(from) || from < 0) throw new Error("the server did not say where the lines start");
    return { from, lines: text === "" ? [] : text.slice(0, text.endsWith("\n") ? -1 : undefined).split("\n") };
  }

  // receive takes lines from, from+1, … and reports whether they follow
  // the ones it has (lines it has already are skipped; a gap is refused).
  receive(from, lines) {
    if (from > this.next) return false;
    const skip = this.next - from;
    if (skip >= lines.length) return true;
    for (let i = skip; i < lines.length; i++) this.tail.push(lines[i]);
    this.next += lines.length - skip;
    if (this.tail.length > 2 * this.maxLines) {
      const drop = this.tail.length - this.maxLines;
      this.tail = this.tail.slice(drop);
      this.tailStart += drop;
    }
    this.schedule();
    return true;
  }

  schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  // lineEl makes the element of line n (from 0) whose text is raw.
  lineEl(n, raw) {
    const div = document.createElement("div");
    div.className = "ln";
    div.setAttribute("data-line", n + 1);
    const text = shown(raw);
    if (text.length > this.longLine) {
      div.append(text.slice(0, this.longLine));
      const b = document.createElement("button");
      b.type = "button";
      b.className = "link ln-more";
      b.textContent = `… line cut: ${nf.format(text.length - this.longLine)} more characters. Show the whole line`;
      this.full.set(b, text);
      div.append(b);
    } else {
      div.textContent = text;
    }
    return div;
  }

  // render puts what was received into the page, once per frame and for
  // at most frameBudget ms of it: a backlog (the first load, a burst, a
  // jump) takes the frames it needs, so the page keeps answering.
  render() {
    this.frame = 0;
    const t0 = performance.now();
    const box = this.el.lines;
    let more = false;
    if (this.pinned) {
      const start = Math.max(this.hi, this.next - this.maxLines, this.tailStart);
      if (start > this.hi || this.hi === this.lo) {
        box.replaceChildren();
        this.lo = this.hi = start;
      }
      more = this.append(this.next, t0);
      this.trimTop(this.hi - this.lo - this.maxLines);
      if (this.held === null) box.scrollTop = box.scrollHeight;
    } else if (this.hi >= this.tailStart) {
      more = this.append(Math.min(this.next, this.lo + this.maxLines), t0);
    }
    this.marks();
    if (more) this.schedule();
  }

  // append adds lines hi to end-1 (all in tail) at the bottom, in chunks
  // of chunkLines lines (the browser lays out and paints only the chunks
  // in view), until the frame's budget is spent; it reports whether lines
  // are left.
  append(end, t0) {
    const box = this.el.lines;
    let chunk = box.lastElementChild;
    while (this.hi < end) {
      if (!chunk || chunk.childElementCount >= this.chunkLines) {
        chunk = newChunk();
        box.append(chunk);
      }
      const n = Math.min(end - this.hi, this.chunkLines - chunk.childElementCount, 50);
      const f = document.createDocumentFragment();
      for (let i = this.hi; i < this.hi + n; i++) f.append(this.lineEl(i, this.tail[i - this.tailStart]));
      chunk.append(f);
      this.hi += n;
      if (performance.now() - t0 > this.frameBudget) return this.hi < end;
    }
    return false;
  }

  // trimTop removes the first n lines of the page.
  trimTop(n) {
    const box = this.el.lines;
    while (n > 0) {
      const c = box.firstElementChild;
      const k = Math.min(n, c.childElementCount);
      if (k === c.childElementCount) c.remove();
      else removeChildren(c, 0, k);
      this.lo += k;
      n -= k;
    }
  }

  // trimBottom removes the last n lines of the page.
  trimBottom(n) {
    const box = this.el.lines;
    while (n > 0) {
      const c = box.lastElementChild;
      const k = Math.min(n, c.childElementCount);
      if (k === c.childElementCount) c.remove();
      else removeChildren(c, c.childElementCount - k, c.childElementCount);
      this.hi -= k;
      n -= k;
    }
  }

  // marks says which lines are not in the page, and offers the way back
  // to the latest.
  marks() {
    const { earlier, earlierText, loadEarlier, newer, newerText, jump } = this.el;
    earlier.hidden = this.lo === 0;
    if (this.lo > 0) {
      earlierText.textContent = this.lo === 1 ? "Line 1 is not shown here." :
        `Lines 1–${nf.format(this.lo)} are not shown here (the page keeps at most ${nf.format(this.maxLines)} lines).`;
      loadEarlier.textContent = `Load ${nf.format(Math.min(this.pageLines, this.lo))} earlier lines`;
      loadEarlier.disabled = this.loading;
    }
    const behind = this.next - this.hi;
    newer.hidden = this.pinned || behind === 0;
    if (behind > 0) {
      newerText.textContent = behind === 1 ? "1 newer line is not shown." :
        `${nf.format(behind)} newer lines are not shown.`;
    }
    jump.hidden = this.pinned;
  }

  onScroll() {
    const box = this.el.lines;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 4;
    // Lines laid out again at a new size move the scroll position without
    // the reader: while following, the box goes back to the bottom.
    const now = performance.now();
    if (this.pinned && !atBottom && this.held === null && now - this.resized < 500 && now - this.touched > 500) {
      box.scrollTop = box.scrollHeight;
      return;
    }
    // Following resumes at the bottom, unless the reader loaded earlier
    // lines and the page does not reach the latest: there they keep their
    // place ("Jump to latest" follows again).
    const pinned = atBottom && (this.pinned || !this.browsing || this.hi >= this.next);
    if (pinned !== this.pinned) {
      this.pinned = pinned;
      if (pinned) this.schedule();
      this.marks();
    }
  }

  unpin() {
    if (!this.pinned) return;
    this.pinned = false;
    this.marks();
  }

  jumpToLatest() {
    this.pinned = true;
    this.browsing = false;
    if (this.hi < this.tailStart || this.next - this.lo > this.maxLines) {
      this.el.lines.replaceChildren();
      this.lo = this.hi = Math.max(this.tailStart, this.next - this.maxLines);
    }
    this.render();
    this.el.lines.focus({ preventScroll: true });
  }

  async loadEarlier() {
    if (this.loading || this.lo === 0) return;
    const want = Math.min(this.pageLines, this.lo);
    const from = this.lo - want;
    this.loading = true;
    this.marks();
    try {
      const got = await this.fetchLines(`from=${from}&limit=${want}`);
      if (got.from !== from || got.lines.length !== want) {
        throw new Error(`the server sent ${got.lines.length} lines from line ${got.from + 1}`);
      }
      if (this.lo !== from + want) return; // the page moved on meanwhile
      const box = this.el.lines;
      const f = document.createDocumentFragment();
      for (let i = 0; i < got.lines.length; i += this.chunkLines) {
        const c = newChunk();
        const to = Math.min(got.lines.length, i + this.chunkLines);
        for (let j = i; j < to; j++) c.append(this.lineEl(from + j, got.lines[j]));
        f.append(c);
      }
      this.pinned = false;
      this.browsing = true;
      const oldFirst = box.querySelector(".ln");
      box.prepend(f);
      this.lo = from;
      this.trimBottom(this.hi - this.lo - this.maxLines);
      // Show the lines just loaded, their last one at the bottom of the
      // box, just above what was the first line.
      if (oldFirst?.isConnected) {
        box.scrollTop += oldFirst.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight;
      } else {
        box.scrollTop = box.scrollHeight;
      }
    } catch (err) {
      this.setState(`Earlier lines could not be loaded: ${err.message}`, "error");
    } finally {
      this.loading = false;
      this.marks();
    }
  }

  // connect opens the stream from the line after the last one received.
  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = 0;
    this.el.reconnect.hidden = true;
    if (this.ws || this.ended) return;
    const url = new URL(`/api/builds/${this.id}/logs/stream?from=${this.next}`, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url, PROTOCOL);
    this.ws = ws;
    let opened = false;
    this.setState(this.attempt ? "Reconnecting…" : "Connecting…");
    ws.onopen = () => {
      opened = true;
      this.heard = performance.now();
      this.pingSent = 0;
      this.setState("Live: following the build.", "live");
      this.pingTimer = setInterval(() => this.checkAlive(), 1000);
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.heard = performance.now();
      this.pingSent = 0;
      let f;
      try {
        f = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (f.type === "lines") {
        this.attempt = 0;
        if (!this.receive(f.from, f.lines)) this.drop(`lines from ${f.from + 1} came before line ${this.next + 1}`);
      } else if (f.type === "end") {
        this.status = f.status || this.status;
        this.ended = true;
        this.drop();
        this.done();
      }
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.drop(ev.reason || (opened ? "the connection closed" : "the connection failed"), opened);
    };
  }

  // drop forgets the socket; unless the build ended, it reconnects after
  // a backoff.
  drop(why = "", opened = true) {
    const ws = this.ws;
    this.ws = null;
    clearInterval(this.pingTimer);
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      if (ws.readyState <= WebSocket.OPEN) ws.close(1000);
    }
    if (this.ended) return;
    this.retry(why, opened);
  }

  async retry(why, opened) {
    this.attempt++;
    if (!opened && this.attempt > 1) {
      // A socket refused before it opened says nothing of why: ask.
      try {
        const res = await fetch(`/api/builds/${this.id}`, { credentials: "same-origin" });
        if (res.status === 401) {
          this.setState("Your session has ended: sign in again to follow the log.", "error");
          return;
        }
        if (res.status === 404) {
          this.setState("This build cannot be seen any more.", "error");
          return;
        }
      } catch {
        // offline: keep trying
      }
    }
    const delay = Math.min(this.maxDelay, 500 * 2 ** (this.attempt - 1)) * (0.8 + Math.random() * 0.4);
    this.setState(`Disconnected (${why}). Reconnecting in ${Math.max(1, Math.round(delay / 1000))} s, attempt ${this.attempt}…`, "warn");
    this.el.reconnect.textContent = "Reconnect now";
    this.el.reconnect.hidden = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  // checkAlive pings a quiet socket and drops one whose ping went
  // unanswered.
  checkAlive() {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const now = performance.now();
    if (this.pingSent && now - this.pingSent > this.pongWait) {
      this.drop("no answer from the server");
      return;
    }
    if (!this.pingSent && now - this.heard > this.pingAfter) this.ping();
  }

  ping() {
    if (this.ws?.readyState !== WebSocket.OPEN || this.pingSent) return;
    this.pingSent = performance.now();
    this.ws.send(JSON.stringify({ type: "ping" }));
  }

  // wake checks the connection at once (back in the tab, back online).
  wake() {
    if (this.ended) return;
    if (this.ws) this.ping();
    else if (this.retryTimer) this.connect();
  }

  done() {
    this.el.reconnect.hidden = true;
    const lines = this.next === 1 ? "1 line" : `${nf.format(this.next)} lines`;
    this.setState(`The build ${this.status || "ended"}; its log has ${lines}.`, this.status === "succeeded" ? "" : "warn");
    this.root.dispatchEvent(new CustomEvent("logend", { detail: { status: this.status, lines: this.next } }));
  }

  setState(text, kind = "") {
    const s = this.el.state;
    if (s.textContent !== text) s.textContent = text;
    s.dataset.kind = kind;
  }
}
