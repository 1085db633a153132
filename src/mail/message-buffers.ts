// Reusable buffers for the bytes of outgoing messages. A worker builds one 73 KB message per
// delivery (issue 64); a fresh Buffer each time is ~75 MB/s of memory outside V8's heap at
// 1,000 msgs/s, which V8 only gives back after a garbage collection and which glibc's malloc
// keeps fragmented: most of a worker's resident memory, and GC work, went there. A worker
// instead takes a buffer from here for each message and gives it back once the server has
// answered the message's final dot: by then every byte of it has left the process.
//
// Only that answer makes reuse safe. A message withdrawn, refused before its data, or cut off
// may still sit in a socket's write queue; its buffer is left to the garbage collector, never
// handed out again while those bytes could still be written.

/** One buffer lent for one message. */
export interface MessageBufferLease {
  /** Exactly the requested length, over the lent buffer's memory. */
  readonly bytes: Buffer;
  /** Gives the buffer back for the next message. Only when no socket can still write it. */
  release(): void;
}

/** Buffers grow in steps of this size, so recipients of slightly different lengths share them. */
const STEP = 4_096;

export class MessageBuffers {
  private readonly free: Buffer[] = [];

  /** `keep`: buffers held for reuse at most (about the messages in flight at once). */
  constructor(private readonly keep: number) {}

  take(length: number): MessageBufferLease {
    let buffer: Buffer | undefined;
    for (let i = this.free.length - 1; i >= 0; i--) {
      if (this.free[i]!.length >= length) {
        buffer = this.free.splice(i, 1)[0]!;
        break;
      }
    }
    // allocUnsafeSlow: its own memory, never a slice of Node's shared pool.
    buffer ??= Buffer.allocUnsafeSlow(Math.ceil((length + 1) / STEP) * STEP);
    const lent = buffer;
    let released = false;
    return {
      bytes: lent.subarray(0, length),
      release: () => {
        if (released) return;
        released = true;
        if (this.free.length < this.keep) this.free.push(lent);
      },
    };
  }

  /** Buffers waiting to be reused (what the tests look at). */
  get idle(): number {
    return this.free.length;
  }
}
