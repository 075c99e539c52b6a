#!/usr/bin/env node
// A scripted stand-in for the Anthropic Messages API, so the real Claude Code CLI can run a
// whole session with no model account and no network. Node only, no packages.
//
// The session it plays is the one recorded in fixtures/claude-code: the main model writes an
// 11-line hello.py, optionally commits it through Bash, hands a check to an Explore sub-agent
// on Haiku, and finishes. Each answer carries fixed token usage, so what Claude Code reports
// (tokens and cost per model, lines, tool decisions) equals the fixtures' expected.json.
//
//   node model_stub.js --port-file FILE --workdir DIR [--commit] [--delay-ms N]
//       [--busy-seconds S | --busy-turns N] [--hold-after N] [--served FILE]
//
// Listens on 127.0.0.1 on a free port and writes that port to --port-file once it listens.
// --workdir is where the CLI runs (the Write tool needs an absolute path); --commit adds the
// Bash step; --delay-ms holds each answer back so the CLI's periodic exports happen mid-session.
//
// A busy working session instead of the recorded one: --busy-turns N answers N main-loop turns
// with tool calls (Write a file, Edit it, run Bash on it, round after round) and then finishes;
// --busy-seconds S does the same until S seconds after the first request. --hold-after N answers
// N main-loop requests and never answers the next (so a signal can end the CLI at a known
// point). --served FILE keeps what the stub has answered: requests and token usage per model,
// and whether it is holding a request, rewritten after every answer.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const options = parseArgs(process.argv.slice(2));

// The file the session writes: 11 lines as Claude Code counts them (10 newline-ended lines).
const HELLO_PY = [
  '#!/usr/bin/env python3',
  '"""Print a greeting."""',
  '',
  '',
  'def main():',
  '    print("hello")',
  '',
  '',
  'if __name__ == "__main__":',
  '    main()',
  '',
].join('\n');

const COMMIT_COMMAND =
  'git init -q && git add hello.py && ' +
  'git -c user.email=dev@example.com -c user.name=Dev commit -q -m "Add hello.py"';

// The main model's turns, in order. A turn is due once every earlier turn's tool has been used
// in the conversation; usage is what that answer reports. The sums per model are the fixtures'.
const MAIN_TURNS = [
  {
    tool: 'Write',
    text: 'Writing hello.py.',
    input: () => ({ file_path: path.join(options.workdir, 'hello.py'), content: HELLO_PY }),
    usage: usage(4, 137, 0, 15873),
  },
  {
    tool: 'Bash',
    only: () => options.commit,
    text: 'Committing it.',
    input: () => ({ command: COMMIT_COMMAND, description: 'Commit hello.py' }),
    usage: usage(5, 60, 15873, 200),
  },
  {
    tool: 'Agent',
    text: 'Asking a sub-agent to check it.',
    input: () => ({
      description: 'Check hello.py',
      prompt: 'Without using tools, say what hello.py prints.',
      subagent_type: 'Explore',
      model: 'haiku',
      run_in_background: false,
    }),
    usage: usage(6, 88, 15873, 312),
  },
  { text: 'Done: hello.py prints hello.', usage: usage(8, 24, 16185, 420) },
];

// Whatever is not the main loop (the Haiku sub-agent): one short answer.
const SIDE_TURN = { text: 'It prints "hello".', usage: usage(1187, 11, 0, 0) };

// One busy turn of the main loop; fixed usage so the session's totals are known exactly.
const BUSY_USAGE = usage(6, 150, 20000, 400);
const BUSY_FINAL = { text: 'Done: all files written, edited and checked.', usage: usage(8, 30, 20400, 200) };

// The busy session's turn after `done` tool calls: Write f<k>.py, Edit it, run Bash on it.
function busyTurn(done) {
  const k = Math.floor(done / 3);
  const file = path.join(options.workdir, `f${k}.py`);
  const step = done % 3;
  if (step === 0) {
    return { tool: 'Write', text: `Writing f${k}.py.`, input: () => ({ file_path: file, content: `print("hello ${k}")\n` }), usage: BUSY_USAGE };
  }
  if (step === 1) {
    return {
      tool: 'Edit',
      text: `Editing f${k}.py.`,
      input: () => ({ file_path: file, old_string: `hello ${k}`, new_string: `hi ${k}` }),
      usage: BUSY_USAGE,
    };
  }
  return { tool: 'Bash', text: `Checking f${k}.py.`, input: () => ({ command: `wc -l f${k}.py`, description: `Count lines of f${k}.py` }), usage: BUSY_USAGE };
}

let busyStarted = null;
function busyDue(done) {
  if (options.busyTurns !== null) return done < options.busyTurns;
  if (busyStarted === null) busyStarted = Date.now();
  return Date.now() - busyStarted < options.busySeconds * 1000;
}

function usage(input, output, cacheRead, cacheCreation) {
  return {
    input_tokens: input,
    output_tokens: output,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheCreation,
  };
}

function parseArgs(args) {
  const parsed = {
    portFile: null,
    workdir: process.cwd(),
    commit: false,
    delayMs: 0,
    busySeconds: null,
    busyTurns: null,
    holdAfter: null,
    served: null,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--port-file') parsed.portFile = args[++i];
    else if (flag === '--workdir') parsed.workdir = args[++i];
    else if (flag === '--commit') parsed.commit = true;
    else if (flag === '--delay-ms') parsed.delayMs = Number(args[++i]);
    else if (flag === '--busy-seconds') parsed.busySeconds = Number(args[++i]);
    else if (flag === '--busy-turns') parsed.busyTurns = Number(args[++i]);
    else if (flag === '--hold-after') parsed.holdAfter = Number(args[++i]);
    else if (flag === '--served') parsed.served = args[++i];
    else throw new Error('unknown option ' + flag);
  }
  if (!parsed.portFile) throw new Error('--port-file is required');
  return parsed;
}

// The tools the assistant has already called in this conversation, in order.
function toolCalls(messages) {
  const calls = [];
  for (const message of messages || []) {
    if (message.role !== 'assistant' || !Array.isArray(message.content)) continue;
    for (const block of message.content) if (block.type === 'tool_use') calls.push(block.name);
  }
  return calls;
}

const busy = () => options.busySeconds !== null || options.busyTurns !== null;

// The sub-agent runs on the model the Agent call named; everything else is the main loop.
function nextTurn(request) {
  if (/haiku/.test(request.model || '')) return SIDE_TURN;
  const calls = toolCalls(request.messages);
  if (busy()) return busyDue(calls.length) ? busyTurn(calls.length) : BUSY_FINAL;
  const used = new Set(calls);
  const due = MAIN_TURNS.filter((turn) => !turn.only || turn.only());
  return due.find((turn) => !turn.tool || !used.has(turn.tool));
}

let ids = 0;
function id(prefix) {
  ids += 1;
  return `${prefix}_stub${process.pid}x${ids}`;
}

function contentOf(turn) {
  const blocks = [{ type: 'text', text: turn.text }];
  if (turn.tool) blocks.push({ type: 'tool_use', id: id('toolu'), name: turn.tool, input: turn.input() });
  return blocks;
}

function answerJson(res, model, turn) {
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': id('req') });
  res.end(
    JSON.stringify({
      id: id('msg'),
      type: 'message',
      role: 'assistant',
      model,
      content: contentOf(turn),
      stop_reason: turn.tool ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: turn.usage,
    }),
  );
}

// The streaming form Claude Code asks for: one event per block part, usage in the first and
// last events (the CLI takes input and cache tokens from either, output tokens from the last).
function answerStream(res, model, turn) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': id('req') });
  const send = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('message_start', {
    message: {
      id: id('msg'),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...turn.usage, output_tokens: 1 },
    },
  });
  contentOf(turn).forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    send('content_block_stop', { index });
  });
  send('message_delta', { delta: { stop_reason: turn.tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: turn.usage });
  send('message_stop', {});
  res.end();
}

function answerOther(res, pathname) {
  let body = {};
  if (pathname === '/v1/messages/count_tokens') body = { input_tokens: 1000 };
  if (pathname.startsWith('/v1/models')) {
    const models = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'];
    body = { data: models.map((m) => ({ type: 'model', id: m, display_name: m })), has_more: false };
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

// What the stub has answered, per model: what the CLI used, to compare with what was counted.
const served = { requests: {}, usage: {}, mainAnswered: 0, holding: false };
function recordServed(model, turn) {
  served.requests[model] = (served.requests[model] || 0) + 1;
  const total = served.usage[model] || { input: 0, output: 0, cache_read: 0, cache_creation: 0 };
  total.input += turn.usage.input_tokens;
  total.output += turn.usage.output_tokens;
  total.cache_read += turn.usage.cache_read_input_tokens;
  total.cache_creation += turn.usage.cache_creation_input_tokens;
  served.usage[model] = total;
  writeServed();
}
function writeServed() {
  if (!options.served) return;
  fs.writeFileSync(options.served + '.tmp', JSON.stringify(served));
  fs.renameSync(options.served + '.tmp', options.served);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const pathname = new URL(req.url, 'http://stub').pathname;
    if (req.method !== 'POST' || pathname !== '/v1/messages') return answerOther(res, pathname);
    let request;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      res.writeHead(400, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'body is not JSON' } }));
    }
    const turn = nextTurn(request);
    const model = request.model || 'claude-sonnet-4-5-20250929';
    // One line per model call, no prompt text: enough to see the session's shape in a log.
    const main = turn !== SIDE_TURN;
    if (main && options.holdAfter !== null && served.mainAnswered >= options.holdAfter) {
      process.stderr.write(`model_stub: ${model} -> held\n`);
      served.holding = true;
      return writeServed(); // never answered: the CLI waits here until it is ended
    }
    if (main) served.mainAnswered += 1;
    process.stderr.write(`model_stub: ${model} -> ${turn.tool || 'text'}\n`);
    setTimeout(() => {
      (request.stream ? answerStream : answerJson)(res, model, turn);
      recordServed(model, turn);
    }, options.delayMs);
  });
});

server.listen(0, '127.0.0.1', () => {
  const tmp = options.portFile + '.tmp';
  fs.writeFileSync(tmp, String(server.address().port));
  fs.renameSync(tmp, options.portFile);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
