// A tiny stand-in for a built Mastra server: it listens on MASTRA_HOST:PORT,
// answers GET /health with 200 {"success":true}, echoes other requests, and
// fails on demand:
//   TINY_FAIL=exit        exits with status 3 right after start
//   TINY_FAIL=unhealthy   /health answers 503 forever
//   TINY_START_DELAY_MS=N listens only after N ms
//   TINY_CRASH_AFTER_MS=N exits with status 4 N ms after it listens
//   TINY_IGNORE_TERM=1    ignores SIGTERM
// GET /env tells its environment, uid, pid and cwd; GET /spawn starts a
// child process and tells its pid. It appends a line to
// $OBS_DIR/logs/tiny.jsonl at start.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

const port = Number(process.env.PORT);
const host = process.env.MASTRA_HOST || '127.0.0.1';
const fail = process.env.TINY_FAIL || '';

if (fail === 'exit') {
  console.error('tiny-server: exiting on purpose (TINY_FAIL=exit)');
  process.exit(3);
}
if (process.env.OBS_DIR) {
  const logs = path.join(process.env.OBS_DIR, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  fs.appendFileSync(path.join(logs, 'tiny.jsonl'),
    JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'tiny-server starting', pid: process.pid }) + '\n');
}

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/health') {
    return fail === 'unhealthy' ? json(res, 503, { success: false }) : json(res, 200, { success: true });
  }
  if (url.pathname === '/env') {
    return json(res, 200, { env: process.env, uid: process.getuid(), pid: process.pid, cwd: process.cwd() });
  }
  if (url.pathname === '/spawn') {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    return json(res, 200, { pid: child.pid });
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => json(res, 200, {
    method: req.method, path: url.pathname, query: url.search, headers: req.headers,
    body: Buffer.concat(chunks).toString(),
  }));
});

server.on('error', (err) => {
  console.error(`tiny-server: cannot listen on ${host}:${port}: ${err.code}: ${err.message}`);
  process.exit(1);
});

process.on('SIGTERM', () => {
  if (process.env.TINY_IGNORE_TERM) {
    console.log('tiny-server: ignoring SIGTERM');
    return;
  }
  server.close();
  process.exit(0);
});

setTimeout(() => server.listen(port, host, () => console.log(`tiny-server listening on ${host}:${port}`)),
  Number(process.env.TINY_START_DELAY_MS || 0));

if (process.env.TINY_CRASH_AFTER_MS) {
  setTimeout(() => {
    console.error('tiny-server: crashing on purpose (TINY_CRASH_AFTER_MS)');
    process.exit(4);
  }, Number(process.env.TINY_START_DELAY_MS || 0) + Number(process.env.TINY_CRASH_AFTER_MS));
}
