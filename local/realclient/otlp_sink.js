#!/usr/bin/env node
// An OTLP/HTTP receiver that only counts: it answers every export 200 and writes one JSON line
// per request (time, path, bytes as sent, content type and encoding) to --log, so the exports of
// the real Claude Code CLI can be counted and measured at any export interval. Node only.
//
//   node otlp_sink.js --port-file FILE --log FILE
//
// Listens on 127.0.0.1 on a free port and writes that port to --port-file once it listens.
'use strict';
const http = require('http');
const fs = require('fs');

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
  let bytes = 0;
  req.on('data', (chunk) => (bytes += chunk.length));
  req.on('end', () => {
    const contentType = req.headers['content-type'] || '';
    const line = {
      t: Date.now(),
      path: new URL(req.url, 'http://sink').pathname,
      bytes,
      contentType,
      encoding: req.headers['content-encoding'] || null,
    };
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
