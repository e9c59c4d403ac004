/** ImageConfig with its Label and HistoryEntry types: every field; ImageManifest.image returns it, no root field does. */
import { documentDate } from '../model/dates.js';
import { builder } from './builder.js';
import { contentFields } from './httpCache.js';
import { ImageConfigRef } from './refs.js';

interface LabelShape {
  key: string;
  value: string;
}

interface HistoryShape {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

const LabelRef = builder.objectRef<LabelShape>('Label').implement({
  ...contentFields('all'),
  fields: (t) => ({ key: t.exposeString('key'), value: t.exposeString('value') }),
});

const HistoryEntryRef = builder.objectRef<HistoryShape>('HistoryEntry').implement({
  ...contentFields('all'),
  fields: (t) => ({
    created: t.field({ type: 'DateTime', nullable: true, resolve: (entry) => documentDate(entry.created, "the history entry's created") }),
    createdBy: t.string({ nullable: true, resolve: (entry) => entry.created_by ?? null }),
    comment: t.string({ nullable: true, resolve: (entry) => entry.comment ?? null }),
    emptyLayer: t.boolean({ resolve: (entry) => entry.empty_layer === true }),
  }),
});

/** Config documents come from image builders of every kind: every field is read defensively. */
ImageConfigRef.implement({
  ...contentFields('all'),
  fields: (t) => ({
    created: t.field({ type: 'DateTime', nullable: true, resolve: (config) => documentDate(config.created, "the image config's created") }),
    author: t.string({ nullable: true, resolve: (config) => stringOrNull(config.author) }),
    os: t.string({ nullable: true, resolve: (config) => stringOrNull(config.os) }),
    architecture: t.string({ nullable: true, resolve: (config) => stringOrNull(config.architecture) }),
    variant: t.string({ nullable: true, resolve: (config) => stringOrNull(config.variant) }),
    env: t.stringList({ resolve: (config) => strings(config.config?.Env) ?? [] }),
    entrypoint: t.stringList({ nullable: true, resolve: (config) => strings(config.config?.Entrypoint) }),
    cmd: t.stringList({ nullable: true, resolve: (config) => strings(config.config?.Cmd) }),
    workingDir: t.string({ nullable: true, resolve: (config) => stringOrNull(config.config?.WorkingDir) }),
    user: t.string({ nullable: true, resolve: (config) => stringOrNull(config.config?.User) }),
    labels: t.field({
      type: [LabelRef],
      resolve: (config) =>
        Object.entries(config.config?.Labels ?? {})
          .map(([key, value]) => ({ key, value: String(value) }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    }),
    exposedPorts: t.stringList({ resolve: (config) => Object.keys(config.config?.ExposedPorts ?? {}).sort() }),
    history: t.field({ type: [HistoryEntryRef], resolve: (config) => (Array.isArray(config.history) ? config.history : []) }),
  }),
});

/** A string of the config as written, "" included; null when absent or not a string. */
function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) ? value.map(String) : null;
}
