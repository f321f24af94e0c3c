/**
 * (a) The seed 2-2-2 network: every value and gradient drawn as an SVG, one gradient-descent step
 * per click, and the chain rule of a clicked weight from `explainGradient`.
 */
import { explainGradient, type Scalar } from '@tapegrad/core';
import {
  buildSeedNetwork,
  PARAMETER_NAMES,
  type ParameterName,
  type SeedNetwork,
  TUTORIAL_CONFIG,
} from '../../../packages/examples/src/seed-model.js';
import { byId, fmt } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

/** Where each neuron is drawn. */
const POS = {
  i1: [90, 150],
  i2: [90, 390],
  h1: [430, 150],
  h2: [430, 390],
  o1: [770, 150],
  o2: [770, 390],
  b1: [430, 45],
  b2: [770, 45],
} as const;
type Place = keyof typeof POS;

/** Each weight: its two ends and how far along the edge its label sits (apart from its neighbours). */
const WEIGHTS: [ParameterName, Place, Place, number][] = [
  ['w1', 'i1', 'h1', 0.5],
  ['w2', 'i2', 'h1', 0.35],
  ['w3', 'i1', 'h2', 0.35],
  ['w4', 'i2', 'h2', 0.5],
  ['w5', 'h1', 'o1', 0.5],
  ['w6', 'h2', 'o1', 0.35],
  ['w7', 'h1', 'o2', 0.35],
  ['w8', 'h2', 'o2', 0.5],
];

let parameters = { ...TUTORIAL_CONFIG.parameters };
let steps = 0;
let selected: ParameterName | null = null;
let net: SeedNetwork;

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Builds the network at the current parameters and runs backward, keeping every intermediate gradient. */
function compute(): SeedNetwork {
  const n = buildSeedNetwork({ ...TUTORIAL_CONFIG, parameters });
  for (const s of [n.l_h1, n.l_h2, n.out_h1, n.out_h2, n.l_o1, n.l_o2, n.out_o1, n.out_o2]) s.retainGrad();
  n.E_total.backward();
  return n;
}

function drawNeuron(svg: SVGElement, place: Place, lines: string[], kind: string): void {
  const [x, y] = POS[place];
  svg.append(el('circle', { cx: x, cy: y, r: 26, class: kind }));
  svg.append(el('text', { x, y: y + 5, 'text-anchor': 'middle', class: 'name' }, place));
  lines.forEach((line, i) => {
    const grad = line.startsWith('∂');
    svg.append(
      el('text', { x, y: y + 44 + 15 * i, 'text-anchor': 'middle', class: grad ? 'grad' : '' }, line),
    );
  });
}

function drawWeight(svg: SVGElement, name: ParameterName, from: Place, to: Place, t: number): void {
  const [x1, y1] = POS[from];
  const [x2, y2] = POS[to];
  const p = net.params[name];
  const group = el('g', { class: `weight${selected === name ? ' selected' : ''}`, 'data-name': name });
  const [x, y] = [x1 + (x2 - x1) * t, y1 + (y2 - y1) * t];
  group.append(el('rect', { x: x - 66, y: y - 17, width: 132, height: 34, rx: 4 }));
  group.append(el('text', { x, y: y - 3, 'text-anchor': 'middle' }, `${name} = ${fmt(p.value)}`));
  group.append(
    el('text', { x, y: y + 12, 'text-anchor': 'middle', class: 'grad' }, `∂E/∂${name} = ${fmt(p.grad)}`),
  );
  group.addEventListener('click', () => explain(name));
  svg.append(group);
}

function neuronLines(l: Scalar, out: Scalar): string[] {
  return [`l = ${fmt(l.value)}`, `out = ${fmt(out.value)}`, `∂E/∂out = ${fmt(out.grad)}`];
}

function draw(): void {
  const svg = byId<SVGSVGElement>('network');
  svg.replaceChildren();
  for (const [, from, to] of WEIGHTS) {
    svg.append(
      el('line', { x1: POS[from][0], y1: POS[from][1], x2: POS[to][0], y2: POS[to][1], class: 'edge' }),
    );
  }
  // Each bias feeds both neurons of its layer: straight to the upper one, around it to the lower one.
  for (const [b, upper, lower, bend] of [
    ['b1', 'h1', 'h2', -110],
    ['b2', 'o1', 'o2', 90],
  ] as const) {
    const [bx, by] = POS[b];
    svg.append(el('line', { x1: bx, y1: by, x2: POS[upper][0], y2: POS[upper][1], class: 'edge' }));
    const [lx, ly] = POS[lower];
    svg.append(
      el('path', {
        d: `M ${bx} ${by} Q ${bx + 2 * bend} ${(by + ly) / 2} ${lx} ${ly}`,
        class: 'edge bias-edge',
      }),
    );
  }
  for (const [name, from, to, t] of WEIGHTS) drawWeight(svg, name, from, to, t);
  drawNeuron(svg, 'i1', [`i1 = ${fmt(TUTORIAL_CONFIG.inputs.i1)}`], 'neuron input');
  drawNeuron(svg, 'i2', [`i2 = ${fmt(TUTORIAL_CONFIG.inputs.i2)}`], 'neuron input');
  drawNeuron(svg, 'h1', neuronLines(net.l_h1, net.out_h1), 'neuron');
  drawNeuron(svg, 'h2', neuronLines(net.l_h2, net.out_h2), 'neuron');
  drawNeuron(svg, 'o1', neuronLines(net.l_o1, net.out_o1), 'neuron');
  drawNeuron(svg, 'o2', neuronLines(net.l_o2, net.out_o2), 'neuron');
  for (const b of ['b1', 'b2'] as const) {
    const [x, y] = POS[b];
    svg.append(el('circle', { cx: x, cy: y, r: 16, class: 'bias' }));
    const label = { x: x - 24, 'text-anchor': 'end' };
    svg.append(el('text', { ...label, y: y - 2 }, `${b} = ${fmt(net.params[b].value)} (shared)`));
    svg.append(el('text', { ...label, y: y + 13, class: 'grad' }, `∂E/∂${b} = ${fmt(net.params[b].grad)}`));
  }
  const loss = byId('loss');
  loss.textContent = `step ${steps} · E_total = ${net.E_total.value.toPrecision(10)}`;
  loss.dataset.value = String(net.E_total.value);
  loss.dataset.step = String(steps);
}

function explain(name: ParameterName): void {
  selected = name;
  byId('explain-title').textContent = `∂E_total/∂${name}, path by path`;
  byId('explain').textContent = explainGradient(net.E_total, net.params[name], { digits: 6 });
  draw();
}

function refresh(): void {
  net = compute();
  if (selected === null) draw();
  else explain(selected);
}

byId('step').addEventListener('click', () => {
  const lr = Number(byId<HTMLInputElement>('lr').value);
  // All gradients were taken at the current parameters: a simultaneous update, as the tutorial does.
  for (const name of PARAMETER_NAMES) parameters[name] -= lr * net.params[name].grad;
  steps++;
  refresh();
});
byId('reset').addEventListener('click', () => {
  parameters = { ...TUTORIAL_CONFIG.parameters };
  steps = 0;
  refresh();
});
refresh();
