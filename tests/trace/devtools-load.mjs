// Loads a trace-event file with Chrome DevTools' own trace engine (the Performance panel's
// parser, published on npm as @paulirish/trace_engine) and prints, per track it builds, the
// track's name and its slices (start and duration in microseconds; instants left out):
//   {"pid:tid": {"name": "...", "slices": [[ts, dur, name], ...]}, ...}
// Usage: node devtools-load.mjs TRACE   (TRACE_ENGINE_DIR: where the package is installed)
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const dir = process.env.TRACE_ENGINE_DIR;
if (!dir) {
  throw new Error('TRACE_ENGINE_DIR is not set');
}
// The engine measures layout with DOMRect, which Node lacks; its README says to provide one.
globalThis.DOMRect ??= class DOMRect {
  constructor(x = 0, y = 0, width = 0, height = 0) {
    Object.assign(this, {x, y, width, height});
  }
};
// Debian 12's node is 18, which lacks Array.prototype.toSorted (node 20); the engine uses it.
if (!Array.prototype.toSorted) {
  Object.defineProperty(Array.prototype, 'toSorted', {
    value(compare) {
      return [...this].sort(compare);
    },
  });
}
const Trace = await import(
    pathToFileURL(path.join(dir, 'node_modules/@paulirish/trace_engine/models/trace/trace.js')).href);
const events = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')).traceEvents;
const model = Trace.TraceModel.Model.createWithAllHandlers();
await model.parse(events);
const parsed = model.parsedTrace();
const out = {};
for (const [pid, proc] of parsed.data.Renderer.processes) {
  for (const [tid, thread] of proc.threads) {
    out[`${pid}:${tid}`] = {
      name: thread.name,
      // Slices only (complete events, and B/E pairs the engine turned into them).
      slices: thread.entries.filter(e => e.ph === 'X').map(e => [e.ts, e.dur ?? 0, e.name]),
    };
  }
}
process.stdout.write(JSON.stringify(out));
