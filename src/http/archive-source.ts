// The archive's types for the pages under src/http/views until they import them from
// src/archive/archive-source.ts, where the archive source lives (the worker reads it too).
export type { ArchiveEntry, ArchiveSource } from '../archive/archive-source.ts';
