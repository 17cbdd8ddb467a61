// Strudel's answers for Phonon expressions that combine patterns (|+ +| |+| ..., stack, cat ...),
// read by pin_strudel_expressions.py. Run from a Strudel oracle folder (npm ci done):
//   node strudel_expressions_probe.mjs < cases.jsonl > answers.jsonl
// Each input line: {"id", "strudel": "<JS expression over mini, core>", "from", "to"}.
import { register } from 'node:module';
import { createInterface } from 'node:readline';
register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (specifier === '@kabelsalat/web' && /\\/dist\\/index\\.js$/.test(r.url)) return { ...r, url: r.url.replace(/index\\.js$/, 'index.mjs') };
  return r;
}`));
for (const k of ['log', 'info', 'warn', 'debug']) console[k] = (...a) => console.error(...a);
const core = await import('@strudel/core');
const { mini } = await import('@strudel/mini');
const frac = (f) => `${f.s < 0 ? '-' : ''}${f.n}/${f.d}`;
function valueStr(v) {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v === 0 ? 0 : v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return v.map(valueStr).join(':');
  if (typeof v === 'object') return Object.keys(v).sort().map((k) => `${k}=${valueStr(v[k])}`).join(' ');
  return String(v);
}
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  const pat = new Function('mini', 'core', `return ${c.strudel};`)(mini, core);
  const from = core.Fraction(c.from), to = core.Fraction(c.to);
  const events = pat.queryArc(from, to)
    .filter((h) => h.whole && h.hasOnset() && h.whole.begin.gte(from) && h.whole.begin.lt(to))
    .map((h) => ({ whole_begin: frac(h.whole.begin), whole_end: frac(h.whole.end),
                   part_begin: frac(h.part.begin), part_end: frac(h.part.end),
                   value: h.value, value_str: valueStr(h.value) }));
  process.stdout.write(JSON.stringify({ ...c, events }) + '\n');
}
