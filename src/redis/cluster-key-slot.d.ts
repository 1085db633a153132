// cluster-key-slot (the slot function ioredis itself uses) ships no types.
declare module 'cluster-key-slot' {
  /** Redis Cluster's slot of a key: CRC16 of its hash tag (or of the whole key) mod 16,384. */
  export default function generate(key: string | Buffer): number;
}
