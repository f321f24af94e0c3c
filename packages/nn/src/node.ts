/**
 * `@tapegrad/nn/node` — the Node-only part of tapegrad: file access (IDX files, MNIST, atomic
 * writes) and a terminal progress bar. Everything else is in `@tapegrad/nn`, which runs in a
 * browser unchanged.
 * @packageDocumentation
 */
export { readIdxFile, writeFileAtomic } from './data/node/files.js';
