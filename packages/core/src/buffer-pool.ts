/**
 * Recycles typed arrays the engine knows are dead. Fresh memory is expensive (the first touch of
 * each page costs far more than refilling it), and a training loop allocates the same sizes every
 * step. Everything allocated while `Tensor.backward()` runs is dead once it returns, except the
 * gradients it stored into `.grad`; those buffers come back here and the next step reuses them.
 */
type Buffer = Float32Array | Float64Array | Int32Array;

/** Arrays smaller than this are cheap to allocate and not worth a pool lookup. */
const MIN_POOLED_ELEMENTS = 1024;
/** Upper bound on memory parked in the pool. */
const MAX_POOLED_BYTES = 512 * 1024 * 1024;

/** The buffers allocated in the innermost recycling scope; `pinned` cancels the recycling. */
interface Scope {
  buffers: Buffer[];
  pinned: boolean;
}

const free = new Map<string, Buffer[]>();
let pooledBytes = 0;
let scope: Scope | null = null;

const keyOf = (kind: string, size: number) => `${kind}:${size}`;

/** A zero-filled array from the pool, or null when none of that type and size is parked. */
export function takePooled(kind: 'float32' | 'float64' | 'int32', size: number): Buffer | null {
  if (size < MIN_POOLED_ELEMENTS) return null;
  const buf = free.get(keyOf(kind, size))?.pop();
  if (!buf) return null;
  pooledBytes -= buf.byteLength;
  buf.fill(0);
  return buf;
}

/**
 * Notes a freshly allocated or pooled array, so the current recycling scope can reclaim it —
 * unless `owner` names another scope: a value created outside the current scope (a lazy tensor
 * of the forward pass evaluated during backward) must outlive it.
 */
export function noteAllocation(buf: Buffer, owner: RecyclingScope | null = scope): void {
  if (scope !== null && owner === scope && buf.length >= MIN_POOLED_ELEMENTS) scope.buffers.push(buf);
}

/** An opaque token for a recycling scope (null outside any). */
export type RecyclingScope = object;

/** The innermost recycling scope now running, or null. */
export const currentScope = (): RecyclingScope | null => scope;

/**
 * Runs `fn`, then returns to the pool every array allocated inside it except those `survivors`
 * names once `fn` has finished — unless something pinned the scope meanwhile.
 */
export function recycleAfter<T>(fn: () => T, survivors: (result: T) => Iterable<Buffer>): T {
  const outer = scope;
  const mine: Scope = { buffers: [], pinned: false };
  scope = mine;
  let result: T;
  try {
    result = fn();
  } finally {
    scope = outer;
  }
  if (mine.pinned) return result;
  const keep = new Set(survivors(result));
  for (const buf of mine.buffers) {
    if (keep.has(buf) || pooledBytes + buf.byteLength > MAX_POOLED_BYTES) continue;
    keep.add(buf); // the same array may have been noted twice
    const kind = buf instanceof Float32Array ? 'float32' : buf instanceof Float64Array ? 'float64' : 'int32';
    const key = keyOf(kind, buf.length);
    const list = free.get(key);
    if (list) list.push(buf);
    else free.set(key, [buf]);
    pooledBytes += buf.byteLength;
  }
  return result;
}

/**
 * Cancels recycling for the current scope: nothing allocated in it goes back to the pool. Code
 * the engine does not control calls this before it runs — a user's custom backward rule may keep
 * the gradient it is handed, or anything it creates.
 */
export function pinScope(): void {
  if (scope !== null) scope.pinned = true;
}
