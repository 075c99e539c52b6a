#!/usr/bin/env node
// An OTLP/HTTP receiver that only counts: it answers every export 200 and writes one JSON line
// per request (time, path, bytes as sent, content type and encoding) to --log, so the exports of
// the real Claude Code CLI can be counted and measured at any export interval. For protobuf it
// also notes queuedBytes, the size of the body as ccotel queues it (base64 of gzip of the
// protobuf: SQS bills a message per 64 KB). Node only.
//
//   node otlp_sink.js --port-file FILE --log FILE
//
// Listens on 127.0.0.1 on a free port and writes that port to --port-file once it listens.
'use strict';
const http = require('http');
const fs = require('fs');
const zlib = require('zlib');

const args = process.argv.slice(2);
let portFile = null;
let logFile = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--port-file') portFile = args[++i];
  else if (args[i] === '--log') logFile = args[++i];
  else throw new Error('unknown option ' + args[i]);
}
if (!portFile || !logFile) throw new Error('--port-file and --log are required');

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] || '';
    const encoding = req.headers['content-encoding'] || null;
    const line = {
      t: Date.now(),
      path: new URL(req.url, 'http://sink').pathname,
      bytes: body.length,
      contentType,
      encoding,
    };
    if (contentType.includes('protobuf')) {
      const protobuf = encoding === 'gzip' ? zlib.gunzipSync(body) : body;
      line.queuedBytes = zlib.gzipSync(protobuf).toString('base64').length;
    }
    fs.appendFileSync(logFile, JSON.stringify(line) + '\n');
    // An empty Export*ServiceResponse: no bytes in protobuf, {} in JSON.
    const json = contentType.includes('json');
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    res.end(json ? '{}' : '');
  });
});

server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
