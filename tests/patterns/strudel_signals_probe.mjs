// Regenerate strudel_signals.json: copy this file into a Strudel oracle folder (npm ci done) and run
//   node strudel_signals_probe.mjs > strudel_signals.json
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (specifier === '@kabelsalat/web' && /\\/dist\\/index\\.js$/.test(r.url)) return { ...r, url: r.url.replace(/index\\.js$/, 'index.mjs') };
  return r;
}`));
for (const k of ['log','info','warn','debug']) console[k] = (...a) => console.error(...a);
const core = await import('@strudel/core');
const out = {};
for (const name of ['sine','cosine','saw','isaw','tri','square','rand','perlin']) {
  out[name] = core[name].segment(8).queryArc(0, 2).map(h => [h.whole.begin.valueOf(), h.value]);
}
out['irand8'] = core.irand(8).segment(8).queryArc(0, 2).map(h => [h.whole.begin.valueOf(), h.value]);
out['rand_far'] = core.rand.segment(1).queryArc(1000, 1004).map(h => [h.whole.begin.valueOf(), h.value]);
out['rand_neg'] = core.rand.segment(2).queryArc(-2, 0).map(h => [h.whole.begin.valueOf(), h.value]);
process.stdout.write(JSON.stringify(out));
