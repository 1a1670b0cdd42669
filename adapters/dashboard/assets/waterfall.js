// The trace waterfall: loads one trace's span tree from the API and shows
// it as a collapsible tree grid with a timeline bar per span. Only the rows
// in view are in the page (a 10,000-span trace stays fast); subtrees
// collapse and expand; the keyboard works as in any tree grid; selecting a
// span loads its input and output on demand. No dependencies.

const ROW = 30; // px, the height of a row (app.css .wf-row)
const OVERSCAN = 12; // rows drawn above and below the view
const TRUNCATED = /…\[truncated (\d+) bytes\]$/;

const root = document.getElementById("waterfall");
if (root) start(root);

async function start(root) {
  const traceId = root.dataset.traceId;
  let res, body;
  try {
    res = await fetch(`/api/traces/${encodeURIComponent(traceId)}`, { headers: { Accept: "application/json" } });
    body = await res.json();
  } catch {
    return fail(root, "The trace could not be loaded: the server did not answer. Reload the page to try again.");
  }
  if (!res.ok) {
    return fail(root, body?.error?.message ?? `The trace could not be loaded (HTTP ${res.status}).`);
  }
  new Waterfall(root, body, document.getElementById("span-detail"));
}

function fail(root, msg) {
  root.replaceChildren(el("div", { class: "section-error", role: "alert" }, el("strong", {}, "Could not load this part. "), msg));
}

// el builds an element: attributes, then children (strings are text).
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== undefined && c !== null) e.append(c);
  return e;
}

export function formatMS(v) {
  if (v === 0) return "0 ms";
  if (v < 1) return `${v.toFixed(2)} ms`;
  if (v < 1000) return `${Number(v.toPrecision(3))} ms`;
  if (v < 60000) return `${Number((v / 1000).toPrecision(3))} s`;
  const s = Math.round(v / 1000);
  return `${Math.floor(s / 60)}m ${s % 60}s`;
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

class Waterfall {
  constructor(root, trace, detail) {
    this.root = root;
    this.trace = trace;
    this.detail = detail;
    this.total = Math.max(trace.durationMs, 0.001);
    this.flatten(trace.roots);
    this.collapsed = new Uint8Array(this.nodes.length);
    this.active = 0; // position in visible of the row that takes focus
    this.selected = -1; // node index
    this.io = new Map(); // spanId -> loaded span (with input and output)
    this.drawn = new Map(); // node index -> row element
    this.build();
    this.recompute();
    this.render();
    // The time from navigation start to the first rows on screen, for
    // the benchmark (docs/BENCHMARKS.md).
    requestAnimationFrame(() => setTimeout(() => {
      const ms = performance.now();
      performance.mark("waterfall-rendered");
      this.root.dataset.renderedMs = ms.toFixed(1);
    }, 0));
  }

  // flatten lays the tree out in pre-order: depth, parent, the end of each
  // subtree, and each span's place among its siblings (iteratively: a
  // trace may be deeper than the call stack).
  flatten(roots) {
    const nodes = [];
    const stack = [];
    for (let i = roots.length - 1; i >= 0; i--) stack.push([roots[i], 0, -1, i + 1, roots.length]);
    while (stack.length) {
      const [s, depth, parent, pos, size] = stack.pop();
      const kids = s.children ?? [];
      nodes.push({ s, depth, parent, pos, size, kids: kids.length, end: 0 });
      const me = nodes.length - 1;
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], depth + 1, me, i + 1, kids.length]);
    }
    const sizes = new Int32Array(nodes.length).fill(1);
    for (let i = nodes.length - 1; i >= 0; i--) {
      nodes[i].end = i + sizes[i];
      if (nodes[i].parent >= 0) sizes[nodes[i].parent] += sizes[i];
    }
    this.nodes = nodes;
  }

  // recompute lists the node indexes shown: those under no collapsed span.
  recompute() {
    const n = this.nodes.length;
    const vis = new Int32Array(n);
    let k = 0;
    for (let i = 0; i < n; ) {
      vis[k++] = i;
      i = this.collapsed[i] ? this.nodes[i].end : i + 1;
    }
    this.visible = vis.subarray(0, k);
    this.sizer.style.height = `${k * ROW}px`;
    this.grid.setAttribute("aria-rowcount", String(k + 1));
    this.active = Math.min(this.active, k - 1);
    for (const row of this.drawn.values()) row.remove();
    this.drawn.clear();
  }

  build() {
    const t = this.trace;
    const failed = this.nodes.filter((n) => n.s.status === "error").length;
    const summary = el("p", { class: "wf-summary" },
      statusMark(t.status), ` ${t.spans} spans · ${formatMS(t.durationMs)} · started `,
      el("time", { datetime: t.start }, timeFmt.format(new Date(t.start))),
      failed ? ` · ${failed} failed` : "");
    const tools = el("div", { class: "actions wf-tools" });
    const expand = el("button", { type: "button", class: "secondary" }, "Expand all");
    const collapse = el("button", { type: "button", class: "secondary" }, "Collapse all");
    expand.addEventListener("click", () => this.setAll(false));
    collapse.addEventListener("click", () => this.setAll(true));
    tools.append(expand, collapse);
    if (failed) {
      const next = el("button", { type: "button", class: "secondary" }, "Next failed span");
      next.addEventListener("click", () => this.nextError());
      tools.append(next);
    }

    this.grid = el("div", { role: "treegrid", class: "wf-grid", "aria-label": `Spans of trace ${t.traceId}`,
      "aria-describedby": "wf-help", "aria-colcount": "3" });
    const head = el("div", { role: "rowgroup", class: "wf-head" },
      el("div", { role: "row", class: "wf-row", "aria-rowindex": "1" },
        el("div", { role: "columnheader", class: "wf-name" }, "Span"),
        el("div", { role: "columnheader", class: "wf-dur" }, "Duration"),
        el("div", { role: "columnheader", class: "wf-time" }, ...ticks(this.total))));
    this.scroller = el("div", { class: "wf-scroll" });
    this.sizer = el("div", { role: "rowgroup", class: "wf-body" });
    this.scroller.append(this.sizer);
    this.grid.append(head, this.scroller);
    this.root.replaceChildren(summary, tools, this.grid);

    let queued = false;
    this.scroller.addEventListener("scroll", () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => { queued = false; this.render(); });
    });
    this.grid.addEventListener("keydown", (e) => this.key(e));
    this.grid.addEventListener("click", (e) => {
      const row = e.target.closest?.(".wf-row[data-i]");
      if (!row) return;
      const i = Number(row.dataset.i);
      const pos = this.position(i);
      if (e.target.closest(".wf-toggle")) {
        this.toggle(i);
        this.focus(this.position(i));
        return;
      }
      this.focus(pos);
      this.select(i);
    });
    this.grid.addEventListener("focusin", (e) => {
      const row = e.target.closest?.(".wf-row[data-i]");
      if (row) this.active = this.position(Number(row.dataset.i));
    });
  }

  // position is the place of node i in the visible list (binary search:
  // visible is in pre-order).
  position(i) {
    let lo = 0, hi = this.visible.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.visible[mid] < i) lo = mid + 1;
      else if (this.visible[mid] > i) hi = mid - 1;
      else return mid;
    }
    return Math.max(0, lo - 1);
  }

  render() {
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(this.visible.length - 1, Math.ceil((top + height) / ROW) + OVERSCAN);
    const want = new Set();
    for (let p = first; p <= last; p++) want.add(this.visible[p]);
    if (this.visible.length) want.add(this.visible[this.active]); // the focusable row stays in the page
    for (const [i, row] of this.drawn) {
      if (!want.has(i)) { row.remove(); this.drawn.delete(i); }
    }
    // Rows stay in the page in tree order (screen readers read them so);
    // a row already there is never moved, so focus stays where it is.
    let next = this.sizer.firstChild;
    for (const i of [...want].sort((a, b) => a - b)) {
      const row = this.drawn.get(i);
      if (!row) {
        const fresh = this.row(i);
        this.drawn.set(i, fresh);
        this.sizer.insertBefore(fresh, next);
      } else if (row === next) {
        next = next.nextSibling;
      } else {
        this.sizer.insertBefore(row, next);
      }
    }
    const activeNode = this.visible[this.active];
    for (const [i, row] of this.drawn) {
      row.tabIndex = i === activeNode ? 0 : -1;
    }
  }

  row(i) {
    const n = this.nodes[i];
    const s = n.s;
    const pos = this.position(i);
    const err = s.status === "error";
    const row = el("div", {
      role: "row", class: `wf-row${err ? " wf-error" : ""}${i === this.selected ? " wf-selected" : ""}`,
      "data-i": String(i), id: `wf-row-${i}`, "aria-level": String(n.depth + 1), "aria-setsize": String(n.size),
      "aria-posinset": String(n.pos), "aria-rowindex": String(pos + 2), "aria-selected": String(i === this.selected),
      "aria-expanded": n.kids ? String(!this.collapsed[i]) : null,
    });
    row.style.transform = `translateY(${pos * ROW}px)`;
    const name = el("div", { role: "gridcell", class: "wf-name" },
      el("span", { class: "wf-toggle", "aria-hidden": "true" }, n.kids ? (this.collapsed[i] ? "▸" : "▾") : ""),
      el("span", { class: "wf-label" }, s.name || "(unnamed)"),
      s.type ? el("span", { class: "muted wf-type" }, ` ${s.type}`) : null,
      n.kids && this.collapsed[i] ? el("span", { class: "muted" }, ` (${n.end - i - 1} hidden)`) : null,
      s.status !== "ok" ? statusMark(s.status) : null);
    name.style.paddingLeft = `${Math.min(n.depth, 24) * 0.85 + 0.25}rem`;
    const dur = el("div", { role: "gridcell", class: "wf-dur" }, formatMS(s.durationMs));
    const bar = el("div", { class: `wf-bar${err ? " wf-bar-error" : ""}${s.status === "running" ? " wf-bar-running" : ""}` });
    const left = Math.min(100, (s.offsetMs / this.total) * 100);
    bar.style.left = `${left}%`;
    bar.style.width = `${Math.max(0.3, Math.min(100 - left, (s.durationMs / this.total) * 100))}%`;
    const time = el("div", { role: "gridcell", class: "wf-time", title: `starts at +${formatMS(s.offsetMs)}, lasts ${formatMS(s.durationMs)}` }, bar);
    row.append(name, dur, time);
    return row;
  }

  // focus moves the keyboard focus to the row at visible position pos,
  // scrolling it into view.
  focus(pos) {
    if (!this.visible.length) return;
    this.active = Math.max(0, Math.min(this.visible.length - 1, pos));
    const top = this.active * ROW;
    const view = this.scroller.clientHeight;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW > this.scroller.scrollTop + view) this.scroller.scrollTop = top + ROW - view;
    this.render();
    this.drawn.get(this.visible[this.active])?.focus({ preventScroll: true });
  }

  toggle(i, to) {
    if (!this.nodes[i].kids) return;
    this.collapsed[i] = to === undefined ? (this.collapsed[i] ? 0 : 1) : (to ? 1 : 0);
    this.recompute();
    this.render();
  }

  setAll(collapsed) {
    for (let i = 0; i < this.nodes.length; i++) this.collapsed[i] = collapsed && this.nodes[i].kids ? 1 : 0;
    const keep = this.visible[this.active];
    this.recompute();
    let i = keep;
    while (collapsed && i >= 0 && this.nodes[i].parent >= 0) i = this.nodes[i].parent; // the root of the focused row
    this.active = this.position(i);
    this.render();
  }

  // nextError shows and selects the first failed span after the selected
  // one (wrapping around), expanding its ancestors.
  nextError() {
    const n = this.nodes.length;
    for (let k = 1; k <= n; k++) {
      const i = (Math.max(this.selected, -1) + k + n) % n;
      if (this.nodes[i].s.status !== "error") continue;
      for (let p = this.nodes[i].parent; p >= 0; p = this.nodes[p].parent) this.collapsed[p] = 0;
      this.recompute();
      this.focus(this.position(i));
      this.select(i);
      return;
    }
  }

  key(e) {
    if (!e.target.closest?.(".wf-row[data-i]")) return;
    const i = this.visible[this.active];
    const n = this.nodes[i];
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW) - 1);
    switch (e.key) {
      case "ArrowDown": this.focus(this.active + 1); break;
      case "ArrowUp": this.focus(this.active - 1); break;
      case "PageDown": this.focus(this.active + page); break;
      case "PageUp": this.focus(this.active - page); break;
      case "Home": this.focus(0); break;
      case "End": this.focus(this.visible.length - 1); break;
      case "ArrowRight":
        if (n.kids && this.collapsed[i]) { this.toggle(i, false); this.focus(this.position(i)); }
        else if (n.kids) this.focus(this.active + 1);
        break;
      case "ArrowLeft":
        if (n.kids && !this.collapsed[i]) { this.toggle(i, true); this.focus(this.position(i)); }
        else if (n.parent >= 0) this.focus(this.position(n.parent));
        break;
      case "Enter":
      case " ":
        this.select(i);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  // select marks span i and shows it in the detail panel, loading its
  // input and output from the API the first time.
  async select(i) {
    const prev = this.drawn.get(this.selected);
    if (prev) { prev.setAttribute("aria-selected", "false"); prev.classList.remove("wf-selected"); }
    this.selected = i;
    const row = this.drawn.get(i);
    if (row) { row.setAttribute("aria-selected", "true"); row.classList.add("wf-selected"); }
    const s = this.nodes[i].s;
    if (!this.detail) return;
    const io = el("div", { class: "wf-io" }, el("p", { class: "muted", role: "status" }, "Loading the input and output…"));
    this.detail.replaceChildren(spanFacts(s), io);
    let full = this.io.get(s.spanId);
    if (!full) {
      try {
        const res = await fetch(`/api/traces/${encodeURIComponent(this.trace.traceId)}/spans/${encodeURIComponent(s.spanId)}`,
          { headers: { Accept: "application/json" } });
        const body = await res.json().catch(() => null);
        if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
        full = body;
        this.io.set(s.spanId, full);
      } catch (err) {
        if (this.selected === i) {
          io.replaceChildren(el("div", { class: "section-error", role: "alert" },
            el("strong", {}, "Could not load the input and output. "), String(err.message ?? err)));
        }
        return;
      }
    }
    if (this.selected !== i) return; // another span was chosen meanwhile
    io.replaceChildren(
      payload("Input", full.input, s.inputBytes),
      payload("Output", full.output, s.outputBytes),
      payload("Attributes", full.attributes));
  }
}

function statusMark(status) {
  if (status === "error") return el("span", { class: "badge error" }, el("span", { "aria-hidden": "true" }, "✕ "), "error");
  if (status === "running") return el("span", { class: "badge warn" }, el("span", { "aria-hidden": "true" }, "… "), "running");
  return el("span", { class: "badge ok" }, el("span", { "aria-hidden": "true" }, "✓ "), status);
}

function ticks(total) {
  const out = [];
  for (let k = 0; k <= 4; k++) {
    out.push(el("span", { class: `wf-tick wf-tick-${k}` }, formatMS((total * k) / 4)));
  }
  return out;
}

// spanFacts lists what the tree knows of a span.
function spanFacts(s) {
  const dl = el("dl", { class: "facts" });
  const add = (k, v) => { if (v !== undefined && v !== null && v !== "") dl.append(el("dt", {}, k), el("dd", {}, v)); };
  add("Name", s.name || "(unnamed)");
  add("Type", s.type);
  add("Entity", s.entity);
  add("Status", statusMark(s.status));
  add("Error", s.error ? truncatedText(s.error) : null);
  add("Starts", `+${formatMS(s.offsetMs)} after the trace's start`);
  add("Duration", formatMS(s.durationMs));
  add("Model", s.model);
  if (s.inputTokens || s.outputTokens) add("Tokens", `${s.inputTokens ?? 0} in / ${s.outputTokens ?? 0} out`);
  add("Span ID", el("code", {}, s.spanId));
  return el("div", {}, el("h3", {}, s.name || "(unnamed)"), dl);
}

// truncatedText is a stored text with its truncation, if any, said in words.
function truncatedText(text) {
  const m = TRUNCATED.exec(text);
  const frag = document.createDocumentFragment();
  frag.append(text);
  if (m) frag.append(" ", truncationNote(m[1]));
  return frag;
}

function truncationNote(bytes) {
  return el("span", { class: "badge warn wf-truncated" }, `Truncated: ${bytes} more bytes were cut when it was stored`);
}

// payload shows a span's input, output or attributes: JSON pretty-printed,
// and a mark when the stored text was cut (the ingester ends it with
// "…[truncated N bytes]", which also makes it a string, not JSON).
function payload(title, value, size) {
  const head = el("h4", {}, title, size ? el("span", { class: "muted" }, ` (${formatBytes(size)})`) : null);
  if (value === undefined || value === null) return el("section", { class: "wf-payload" }, head, el("p", { class: "empty" }, "None recorded."));
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  const m = typeof value === "string" ? TRUNCATED.exec(value) : null;
  return el("section", { class: "wf-payload" }, head, m ? truncationNote(m[1]) : null, el("pre", { tabindex: "0" }, text));
}
