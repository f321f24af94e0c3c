import { manualSeed, randn } from '@tapegrad/core';
manualSeed(5);
const x = randn([1e6]).requiresGrad_();
const step = () => { x.grad?.zero_(); x.sigmoid().mul(x.tanh()).sum().backward(); };
for (let i = 0; i < 20; i++) step();
const ts: number[] = []; const fw: number[] = []; const z: number[] = [];
for (let i = 0; i < 60; i++) {
  let t0 = performance.now(); x.grad!.zero_(); z.push(performance.now() - t0);
  t0 = performance.now(); const y = x.sigmoid().mul(x.tanh()).sum(); y.item(); fw.push(performance.now() - t0);
  t0 = performance.now(); y.backward(); ts.push(performance.now() - t0);
}
const med = (a: number[]) => a.sort((p, q) => p - q)[30]!.toFixed(2);
console.log('zero_', med(z), 'fwd', med(fw), 'bwd', med(ts));
