#!/usr/bin/env node
/*
 * Kiln function runner for Node.js.
 *
 * Serves the Kiln function protocol (docs/protocol.md): HTTP/1.1 on a Unix socket, where
 * `POST /init` loads a handler and every other request invokes it.
 *
 * Configuration, all from the environment:
 *   KILN_SOCKET    socket path (default /run/kiln/fn.sock)
 *   KILN_HANDLER   `file.export` to load at start-up instead of waiting for /init
 *   KILN_CODE_DIR  code directory when none is given (default /opt/kiln/function)
 *   KILN_MAX_BODY  largest request body in bytes (default 6 MiB)
 *
 * Standard library only; runs on Node.js 18 and later.
 */
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const { pathToFileURL } = require('url');

const DEFAULT_SOCKET = '/run/kiln/fn.sock';
const DEFAULT_CODE_DIR = '/opt/kiln/function';
const DEFAULT_HANDLER = 'handler.handle';
const DEFAULT_MAX_BODY = 6 * 1024 * 1024;

// Framing headers belong to the runner: a function's own values would contradict the body sent.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);
const RESPONSE_KEYS = new Set(['status', 'headers', 'body']);

function log(message) {
  process.stderr.write(`kiln-runner: ${message}\n`);
}

/**
 * One invocation as the function sees it. `headers` has lowercased names; repeated headers are
 * joined with ", ". `query` is the raw query string without "?"; `body` is a Buffer.
 */
class Request {
  constructor(method, path, query, headers, body) {
    this.method = method;
    this.path = path;
    this.query = query;
    this.headers = headers;
    this.body = body;
    this.invocationId = headers['x-kiln-invocation-id'] ?? null;
    const deadline = Number.parseInt(headers['x-kiln-deadline'], 10);
    this.deadline = Number.isNaN(deadline) ? null : deadline;
  }

  /** The body decoded as text. */
  text(encoding = 'utf8') {
    return this.body.toString(encoding);
  }

  /** The body parsed as JSON; null when the body is empty. */
  json() {
    return this.body.length === 0 ? null : JSON.parse(this.body.toString('utf8'));
  }
}

/** Specialising failed; `status` is what /init answers with. */
class InitError extends Error {
  constructor(status, message, functionError) {
    super(message);
    this.status = status;
    this.functionError = functionError;
  }
}

const state = { handler: null, name: null, loading: false };

async function specialise(handlerName, codeDir, env) {
  // Loading may await an ES module import; the flag keeps a racing second /init out meanwhile.
  if (state.handler || state.loading) {
    throw new InitError(409, `already initialised with handler ${state.name}`);
  }
  state.loading = true;
  state.name = handlerName;
  try {
    // Applied before loading: module-level code of the function may read variables.
    Object.assign(process.env, env);
    state.handler = await loadHandler(handlerName, codeDir);
  } catch (err) {
    state.name = null;
    throw err;
  } finally {
    state.loading = false;
  }
}

async function loadHandler(name, codeDir) {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) {
    throw new InitError(422, `handler must be file.export, e.g. handler.handle; got '${name}'`);
  }
  const file = name.slice(0, dot);
  const exportName = name.slice(dot + 1);
  if (!isDirectory(codeDir)) {
    throw new InitError(422, `code directory ${codeDir} does not exist`);
  }
  const base = path.resolve(codeDir, file);
  const resolved = resolveFile(base);
  if (!resolved) {
    throw new InitError(
      422,
      `handler file '${file}' not found in ${codeDir} (tried ${file}.js, ${file}.cjs, ${file}.mjs)`,
    );
  }
  let mod;
  try {
    mod = await importFile(resolved);
  } catch (err) {
    throw new InitError(500, `loading ${resolved} failed: ${describe(err)}`, err);
  }
  let fn = mod[exportName];
  if (fn === undefined && mod.default && typeof mod.default === 'object') {
    fn = mod.default[exportName];
  }
  if (typeof fn !== 'function') {
    throw new InitError(422, `file '${file}' has no exported function '${exportName}'`);
  }
  return fn;
}

function resolveFile(base) {
  try {
    // require.resolve looks at .js, .json, .node and directories; node_modules next to the
    // handler resolve as usual from its own location.
    return require.resolve(base);
  } catch {
    return ['.cjs', '.mjs'].map((ext) => base + ext).find((f) => fs.existsSync(f)) ?? null;
  }
}

async function importFile(file) {
  if (file.endsWith('.mjs')) {
    return import(pathToFileURL(file).href);
  }
  try {
    return require(file);
  } catch (err) {
    if (err && err.code === 'ERR_REQUIRE_ESM') {
      return import(pathToFileURL(file).href);
    }
    throw err;
  }
}

function isDirectory(dir) {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function describe(err) {
  if (err instanceof Error) {
    return `${err.name}: ${err.message}`;
  }
  return `${typeof err}: ${String(err)}`;
}

function jsonReply(status, value, extraHeaders = []) {
  return {
    status,
    headers: [['Content-Type', 'application/json'], ...extraHeaders],
    body: Buffer.from(JSON.stringify(value)),
  };
}

function functionError(err) {
  const stack = err instanceof Error && err.stack ? err.stack : describe(err);
  return jsonReply(500, { error: describe(err), stack }, [['X-Kiln-Error', 'function']]);
}

async function init(body) {
  try {
    let spec;
    try {
      spec = JSON.parse(body.length ? body.toString('utf8') : 'null');
    } catch (err) {
      throw new InitError(400, `init body is not valid JSON: ${err.message}`);
    }
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      throw new InitError(400, 'init body must be a JSON object');
    }
    const handler = spec.handler || DEFAULT_HANDLER;
    const codeDir = spec.codeDir || defaultCodeDir;
    const env = spec.env || {};
    if (typeof handler !== 'string' || typeof codeDir !== 'string') {
      throw new InitError(400, '"handler" and "codeDir" must be strings');
    }
    if (typeof env !== 'object' || Array.isArray(env)
        || !Object.values(env).every((v) => typeof v === 'string')) {
      throw new InitError(400, '"env" must be an object of strings');
    }
    await specialise(handler.trim(), codeDir, env);
    return jsonReply(200, { ok: true });
  } catch (err) {
    if (!(err instanceof InitError)) {
      throw err;
    }
    log(`init failed: ${err.message}`);
    return err.functionError !== undefined
      ? functionError(err.functionError)
      : jsonReply(err.status, { error: err.message });
  }
}

/** Turns what a handler returned into {status, headers, body}; see docs/protocol.md. */
function toReply(result) {
  if (result === undefined || result === null) {
    return { status: 204, headers: [], body: Buffer.alloc(0) };
  }
  let status = 200;
  let headers = [];
  let body;
  if (isResponse(result)) {
    status = result.status;
    if (status < 200 || status > 599) {
      throw new RangeError(`response status must be 200 to 599, got ${status}`);
    }
    headers = headerList(result.headers ?? {});
    body = encodeBody(result.body);
  } else {
    body = encodeBody(result);
  }
  if (body.type && !headers.some(([name]) => name.toLowerCase() === 'content-type')) {
    headers.push(['Content-Type', body.type]);
  }
  return { status, headers, body: body.bytes };
}

function isResponse(value) {
  return (
    typeof value === 'object'
    && !Array.isArray(value)
    && !Buffer.isBuffer(value)
    && Number.isInteger(value.status)
    && Object.keys(value).every((k) => RESPONSE_KEYS.has(k))
  );
}

function encodeBody(body) {
  if (body === undefined || body === null) {
    return { type: null, bytes: Buffer.alloc(0) };
  }
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    return { type: 'application/octet-stream', bytes: Buffer.from(body) };
  }
  if (typeof body === 'string') {
    return { type: 'text/plain; charset=utf-8', bytes: Buffer.from(body, 'utf8') };
  }
  const json = JSON.stringify(body);
  if (json === undefined) {
    throw new TypeError(`cannot serialise a ${typeof body} as a response body`);
  }
  return { type: 'application/json', bytes: Buffer.from(json, 'utf8') };
}

function headerList(headers) {
  if (typeof headers !== 'object' || Array.isArray(headers)) {
    throw new TypeError('response headers must be an object');
  }
  const list = [];
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      // Throws on invalid names and on CR/LF in values, which would forge headers.
      http.validateHeaderName(name);
      http.validateHeaderValue(name, String(v));
      list.push([name, String(v)]);
    }
  }
  return list;
}

async function invoke(request) {
  try {
    return toReply(await state.handler(request));
  } catch (err) {
    const stack = err instanceof Error && err.stack ? err.stack : describe(err);
    log(`invocation ${request.invocationId ?? '-'} failed: ${stack}`);
    return functionError(err);
  }
}

function send(req, res, reply, close) {
  const headers = {};
  for (const [name, value] of reply.headers) {
    if (!FRAMING_HEADERS.has(name.toLowerCase())) {
      const existing = headers[name];
      headers[name] = existing === undefined ? value : [].concat(existing, value);
    }
  }
  // RFC 9110 8.6: no Content-Length in a 204, and none needed after a 304.
  const bodiless = reply.status === 204 || reply.status === 304;
  if (!bodiless) {
    headers['Content-Length'] = reply.body.length;
  }
  if (close) {
    headers.Connection = 'close';
  }
  res.sendDate = false;
  res.writeHead(reply.status, headers);
  res.end(req.method === 'HEAD' || bodiless ? undefined : reply.body);
}

function tooLarge() {
  return jsonReply(413, {
    error: `request body exceeds the limit of ${maxBody} bytes (KILN_MAX_BODY)`,
  });
}

async function onRequest(req, res) {
  if (req.httpVersionMajor !== 1) {
    // Node's parser lets HTTP/0.9 and 2.0 request lines through; the protocol is HTTP/1.x.
    const status = req.httpVersionMajor > 1 ? 505 : 400;
    const error = status === 505 ? 'only HTTP/1.x is supported' : 'malformed request line';
    send(req, res, jsonReply(status, { error }), true);
    return;
  }
  const declared = Number(req.headers['content-length']);
  if (declared > maxBody) {
    send(req, res, tooLarge(), true);
    return;
  }
  const chunks = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += chunk.length;
      if (size > maxBody) {
        send(req, res, tooLarge(), true);
        return;
      }
      chunks.push(chunk);
    }
  } catch {
    return;
  }
  const body = Buffer.concat(chunks);
  const target = req.url;
  const q = target.indexOf('?');
  const reqPath = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  let reply;
  if (req.method === 'POST' && reqPath === '/init') {
    reply = await init(body);
  } else if (!state.handler) {
    reply = jsonReply(503, {
      error: 'not initialised',
      message: 'no handler is loaded: POST /init first, or start the runner with KILN_HANDLER',
    });
  } else {
    const headers = {};
    for (const [name, value] of Object.entries(req.headers)) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    reply = await invoke(new Request(req.method, reqPath, query, headers, body));
  }
  send(req, res, reply, false);
}

function onClientError(err, socket) {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify({
    error: status === 431 ? 'request head exceeds 65536 bytes' : `malformed request: ${err.code}`,
  });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function maxBodyFromEnv() {
  const value = (process.env.KILN_MAX_BODY || '').trim();
  if (!value) {
    return DEFAULT_MAX_BODY;
  }
  if (!/^[0-9]+$/.test(value) || Number(value) <= 0) {
    log(`KILN_MAX_BODY must be a positive number of bytes, got '${value}'`);
    process.exit(2);
  }
  return Number(value);
}

const socketPath = process.env.KILN_SOCKET || DEFAULT_SOCKET;
const defaultCodeDir = process.env.KILN_CODE_DIR || DEFAULT_CODE_DIR;
const maxBody = maxBodyFromEnv();

async function main() {
  const handler = (process.env.KILN_HANDLER || '').trim();
  if (handler) {
    try {
      await specialise(handler, defaultCodeDir, {});
    } catch (err) {
      log(`cannot load handler from KILN_HANDLER: ${err.message}`);
      if (err.functionError !== undefined) {
        log(describe(err.functionError));
      }
      process.exit(1);
    }
  }
  // A function's stray asynchronous failure must not take the runner down with it.
  process.on('uncaughtException', (err) => log(`uncaught exception: ${err && err.stack}`));
  process.on('unhandledRejection', (err) => log(`unhandled rejection: ${err && err.stack}`));

  fs.mkdirSync(path.dirname(socketPath), { recursive: true });
  // A socket file left by an earlier runner would make listen fail with EADDRINUSE.
  try {
    if (!fs.lstatSync(socketPath).isDirectory()) {
      fs.unlinkSync(socketPath);
    }
  } catch {
    // Nothing to remove.
  }
  const server = http.createServer(
    { maxHeaderSize: 64 * 1024, requireHostHeader: false },
    (req, res) => {
      onRequest(req, res).catch((err) => {
        log(`request failed: ${err && err.stack}`);
        res.destroy();
      });
    },
  );
  // The platform keeps one connection open for many invocations, however long it idles.
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.on('clientError', onClientError);
  const stop = () => {
    server.close();
    try {
      fs.unlinkSync(socketPath);
    } catch {
      // Already gone.
    }
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  server.listen(socketPath, () => {
    process.stdout.write(`kiln-runner ready ${socketPath}\n`);
  });
}

main();
