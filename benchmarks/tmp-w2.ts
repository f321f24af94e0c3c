import { linear, manualSeed, noGrad, rand, randint, randn, type Tensor, zeros } from '@tapegrad/core';

manualSeed(2);
const BATCH = 128;
const x = rand([BATCH, 784]);
const labels = randint(0, 10, [BATCH, 1]);
const params = [
  randn([128, 784]).mul(0.05).requiresGrad_(),
  zeros([128], { requiresGrad: true }),
  randn([10, 128]).mul(0.1).requiresGrad_(),
  zeros([10], { requiresGrad: true }),
] as [Tensor, Tensor, Tensor, Tensor];
const [w1, b1, w2, b2] = params;
const step = (keep: boolean) => {
  const logits = linear(linear(x, w1, b1).relu(), w2, b2);
  const loss = logits.logSoftmax(1).gather(1, labels).mean().neg();
  loss.backward();
  noGrad(() => {
    for (const p of params) {
      p.sub_(p.grad!, 0.1);
      if (keep) p.grad!.zero_();
      else p.grad = null;
    }
  });
};
for (let i = 0; i < 50; i++) {
  step(true);
  step(false);
}
const t: Record<string, number[]> = { keep: [], none: [] };
for (let i = 0; i < 300; i++)
  for (const k of ['keep', 'none']) {
    const t0 = performance.now();
    step(k === 'keep');
    t[k]!.push(performance.now() - t0);
  }
for (const k of ['keep', 'none']) {
  const a = t[k]!.sort((x, y) => x - y);
  console.log(k, 'median', a[150]!.toFixed(3), 'p10', a[30]!.toFixed(3));
}
