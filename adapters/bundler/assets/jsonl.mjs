// mastra-admin-jsonl.mjs — written by MastraAdmin into the build output.
// A JSONL file writer for a server's spans and logs: one JSON object per
// line, appended with a synchronous write so that a line is whole even
// if the process dies. The file being written is <name>.jsonl.open; it
// is closed and renamed to <name>.jsonl when it reaches maxBytes, when it
// is maxAgeMs old, and when the process exits, so that every *.jsonl
// file in the folder is complete and can be shipped.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const OPEN = '.open';

// fileName is a new file's name: its opening time (sortable) and a random part.
function fileName() {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${t}_${crypto.randomBytes(4).toString('hex')}.jsonl`;
}

// stringify is JSON.stringify that survives cycles, BigInts and throwing getters.
export function stringify(value) {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    const seen = new WeakSet();
    try {
      return JSON.stringify(value, (_k, v) => {
        if (typeof v === 'bigint') return v.toString();
        if (v !== null && typeof v === 'object') {
          if (seen.has(v)) return '[Circular]';
          seen.add(v);
        }
        return v;
      });
    } catch (err) {
      return JSON.stringify({ unserializable: String(err) });
    }
  }
}

// recover closes files a previous process left open in dir: a partial
// last line is cut off, then the file is renamed to *.jsonl.
export function recover(dir) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith('.jsonl' + OPEN)) continue;
    const p = path.join(dir, name);
    try {
      const data = fs.readFileSync(p);
      const end = data.lastIndexOf(0x0a) + 1;
      if (end < data.length) fs.truncateSync(p, end);
      if (end === 0) fs.unlinkSync(p);
      else fs.renameSync(p, p.slice(0, -OPEN.length));
    } catch {
      // another process may have taken it meanwhile
    }
  }
}

// JsonlWriter appends objects as lines to rotating files in dir.
export class JsonlWriter {
  #dir;
  #maxBytes;
  #maxAgeMs;
  #fd = null;
  #path = '';
  #size = 0;
  #openedAt = 0;
  #timer = null;
  #onError;

  constructor({ dir, maxBytes, maxAgeMs, onError }) {
    if (!dir) throw new Error('mastra-admin: JsonlWriter needs a folder');
    if (!(maxBytes > 0) || !(maxAgeMs > 0)) throw new Error('mastra-admin: JsonlWriter needs maxBytes and maxAgeMs above 0');
    this.#dir = dir;
    this.#maxBytes = maxBytes;
    this.#maxAgeMs = maxAgeMs;
    this.#onError = onError ?? ((err) => process.emitWarning(`mastra-admin: ${err.message}`));
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    recover(dir);
  }

  // write appends obj as one line; a file that would grow past maxBytes
  // (or is too old) is closed first. A line longer than maxBytes gets a
  // file of its own. It never throws: a failed write is reported once
  // through onError and the line is lost.
  write(obj) {
    const line = Buffer.from(stringify(obj) + '\n');
    try {
      if (this.#fd !== null && (this.#size + line.length > this.#maxBytes || Date.now() - this.#openedAt >= this.#maxAgeMs)) {
        this.close();
      }
      if (this.#fd === null) this.#open();
      let off = 0;
      while (off < line.length) off += fs.writeSync(this.#fd, line, off, line.length - off);
      this.#size += line.length;
    } catch (err) {
      this.#onError(err);
    }
  }

  // close closes the open file, if any, and renames it to *.jsonl.
  close() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#fd === null) return;
    const fd = this.#fd, p = this.#path;
    this.#fd = null;
    try {
      fs.closeSync(fd);
      fs.renameSync(p, p.slice(0, -OPEN.length));
    } catch (err) {
      this.#onError(err);
    }
  }

  #open() {
    this.#path = path.join(this.#dir, fileName() + OPEN);
    this.#fd = fs.openSync(this.#path, 'a', 0o600);
    this.#size = 0;
    this.#openedAt = Date.now();
    // An idle file is closed when it is too old, so that it ships.
    this.#timer = setTimeout(() => this.close(), this.#maxAgeMs);
    this.#timer.unref();
  }
}
